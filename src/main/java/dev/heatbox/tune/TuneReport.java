package dev.heatbox.tune;

import dev.heatbox.score.PairedBootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * tune.md: every row by MaxBoxAccV2; for the timed rows, the cost against the baseline and the
 * paired-bootstrap 95 % interval of their difference from it (the tuning set is small: one image
 * is several points), and the recipe's difference from the best single layer.
 */
public final class TuneReport {
    static final int RESAMPLES = 10_000;

    private TuneReport() {}

    public static String markdown(List<RecipeSearch.Row> rows, Recipe pick) {
        RecipeSearch.Row base = RecipeSearch.baseline(rows);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Tuned on %s. Baseline (first timed row): %s. Δ: difference from the baseline in points"
                + " with its paired-bootstrap 95%% interval (%,d resamples of the images), for rows run as the recipe would run;"
                + " untimed rows were scored from the shared tapped pass.%n%n", base.recipe().tunedOn(), RecipeSearch.name(base.recipe()),
                RESAMPLES));
        RecipeSearch.Row chosen = rows.stream().filter(r -> same(r.recipe(), pick)).findFirst().orElse(base);
        RecipeSearch.Row bestSingle = rows.stream().filter(r -> r.timed() && r.recipe().fuse() == null)
                .max(RecipeSearch.BY_QUALITY).orElse(base);
        if (chosen != bestSingle && chosen.v2() != null && bestSingle.v2() != null) {
            PairedBootstrap.Interval d = PairedBootstrap.difference(chosen.v2(), bestSingle.v2(), RESAMPLES, 1);
            s.append(String.format(Locale.ROOT, "Recipe against the best timed single layer (%s): MaxBoxAccV2 %s.%n%n",
                    RecipeSearch.name(bestSingle.recipe()), points(d)));
        }
        s.append(String.format(Locale.ROOT, "The recipe is chosen out of fold: each row's MaxBoxAccV2 with τ chosen on %d−1 of %d"
                + " folds of the images and scored on the fifth (column \"out of fold\"; the in-sample figure maximises τ on the"
                + " images it is scored on). The best plain row (one layer, no augmentation) is kept unless a row's out-of-fold"
                + " gain over it has a paired-bootstrap 95%% interval above zero.%n%n", RecipeSearch.FOLDS, RecipeSearch.FOLDS));
        s.append("| method | layer (fusion) | norm | tta | τ | MaxBoxAccV2 | out of fold | Δ | GT-known Loc@0.5 | Δ | Loc, Otsu τ | s/image"
                + " | cost |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        List<RecipeSearch.Row> sorted = new ArrayList<>(rows);
        sorted.sort(RecipeSearch.BY_QUALITY.reversed());
        for (RecipeSearch.Row r : sorted) {
            Recipe x = r.recipe();
            String dv2 = "";
            String dv1 = "";
            if (r.timed() && r != base && r.v2() != null && base.v2() != null) {
                dv2 = points(PairedBootstrap.difference(r.v2(), base.v2(), RESAMPLES, 1));
                dv1 = points(PairedBootstrap.difference(r.v1(), base.v1(), RESAMPLES, 1));
            }
            s.append(String.format(Locale.ROOT, "| %s%s | %s | %s | %s | %.2f | %.3f | %.3f | %s | %.3f | %s | %s | %s | %s |%n",
                    x.method(), same(x, pick) ? " **(recipe)**" : "", x.fuse() == null ? x.layer() : x.layer() + " + " + x.fuse(), x.norm(),
                    x.tta(), x.threshold(), r.maxBoxAccV2(), r.maxBoxAccV2OutOfFold(), dv2, r.gtKnownLoc(), dv1,
                    r.gtKnownLocOtsu() == null ? "" : String.format(Locale.ROOT, "%.3f", r.gtKnownLocOtsu()),
                    r.timed() ? String.format(Locale.ROOT, "%.3f", r.secondsPerImage()) : "",
                    r.timed() ? String.format(Locale.ROOT, "%.1fx", r.secondsPerImage() / base.secondsPerImage()) : ""));
        }
        return s.toString();
    }

    /** The box rules × τ by COCO AP50 (best first), the recipe's marked. */
    public static String boxRules(BoxRuleSearch.Result result, Recipe pick) {
        List<BoxRuleSearch.Row> rows = result.rows();
        BoxRuleSearch.OutOfFold oof = result.outOfFold();
        BoxRuleSearch.OutOfFold plain = result.plainOutOfFold();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%nBox rule and τ for %s, by COCO AP50 of the boxes"
                + " `label --labels` would give on these images (each image boxed for every labelled category; in-sample)."
                + " Out of fold (chosen on %d−1 folds, applied to the held-out fold, pooled): choosing among every rule"
                + " **%.4f** (fold choices: %s), choosing only the largest component's τ **%.4f** (%s); the recipe takes the"
                + " best row of the family that holds better (the largest component on a tie).%n%n"
                + "| boxes | τ | AP50 | AP |%n|---|---|---|---|%n", RecipeSearch.name(pick), oof.folds(), oof.ap50(),
                String.join(", ", oof.chosen()), plain.ap50(), String.join(", ", plain.chosen())));
        for (BoxRuleSearch.Row r : rows) {
            boolean chosen = r.boxes().equals(pick.boxes()) && r.threshold() == pick.threshold();
            s.append(String.format(Locale.ROOT, "| %s%s | %.2f | %.4f | %.4f |%n", r.boxes(), chosen ? " **(recipe)**" : "",
                    r.threshold(), r.ap50(), r.ap()));
        }
        return s.toString();
    }

    static String points(PairedBootstrap.Interval d) {
        return String.format(Locale.ROOT, "%+.1f [%+.1f, %+.1f]", 100 * d.difference(), 100 * d.low(), 100 * d.high());
    }

    static boolean same(Recipe a, Recipe b) {
        return a.method().equals(b.method()) && a.layer().equals(b.layer()) && String.valueOf(a.fuse()).equals(String.valueOf(b.fuse()))
                && a.norm().equals(b.norm()) && a.tta().equals(b.tta());
    }
}
