package dev.heatbox.tune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Heatmaps;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.Tta;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.score.LocalizationAccuracy;
import dev.heatbox.score.MaxBoxAcc;
import dev.heatbox.score.PairedBootstrap;
import dev.heatbox.util.BadInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Tries recipes on a labelled dataset folder, GT-known (each image explained for its first labelled
 * category, as wsolevaluation does), cheap evaluations first:
 * <ol>
 *   <li>per method and augmentation, one tapped pass gives every layer's maps ({@link LayerPass}); each
 *       layer × normalization is scored from them (MaxBoxAccV2; GT-known Loc@0.5 at the best τ of the
 *       largest-component rule);
 *   <li>fusions of the best single layers that do not repeat each other (mean map correlation below
 *       {@value #REDUNDANT}), by max and by mean, scored the same way;
 *   <li>the baseline (the first method at the model's own layer), the best single layer and the best
 *       rows run again as the recipe would run, timed: only timed rows can become the recipe.
 * </ol>
 */
public final class RecipeSearch {
    /** Layers whose maps correlate at least this much on average add nothing to a fusion. */
    static final double REDUNDANT = 0.9;

    /** One tried recipe and what it scored; seconds only for rows run as the recipe would run. */
    public record Row(Recipe recipe, double maxBoxAccV2, double gtKnownLoc, Double secondsPerImage, Double gtKnownLocOtsu,
                      @JsonIgnore MaxBoxAcc v2, @JsonIgnore MaxBoxAcc v1) {
        public Row(Recipe recipe, double maxBoxAccV2, double gtKnownLoc, Double secondsPerImage) {
            this(recipe, maxBoxAccV2, gtKnownLoc, secondsPerImage, null, null, null);
        }

        boolean timed() {
            return secondsPerImage != null;
        }

        /** MaxBoxAccV2 out of fold (τ per δ chosen on the other {@value #FOLDS} folds); NaN without per-image results. */
        @com.fasterxml.jackson.annotation.JsonProperty("maxBoxAccV2OutOfFold")
        public double maxBoxAccV2OutOfFold() {
            if (v2 == null) {
                return Double.NaN;
            }
            double s = 0;
            double[] o = v2.outOfFold(FOLDS);
            for (double v : o) {
                s += v;
            }
            return o.length == 0 ? Double.NaN : s / o.length;
        }
    }

    private final Path model;
    private final DatasetFolder.Loaded data;
    private final Path classes;
    private final int batch;
    private final PrintStream log;

    public RecipeSearch(Path model, DatasetFolder.Loaded data, Path classes, int batch, PrintStream log) {
        this.model = model;
        this.data = data;
        this.classes = classes;
        this.batch = batch;
        this.log = log;
    }

    /**
     * @param layers layers to try, the first being the baseline's: names, "default" (the model's own) or "all"
     * @param fuseUpTo largest number of layers in a fusion (below 2: none)
     * @param timedRows how many of the best rows are run again and timed
     */
    public List<Row> run(List<String> methods, List<String> layers, List<String> norms, List<String> ttas, int fuseUpTo,
                         int timedRows) {
        TuneImages ex;
        List<String> ordered = new ArrayList<>();
        try (SplitModel m = Models.load(model, null, null)) {
            ex = TuneImages.read(data, classes, m);
            // "all": every explainable layer, the model's own first (the baseline's); "default": the model's own
            layers = layers.contains("all")
                    ? Stream.concat(Stream.of(m.layer()), m.layers().stream().map(SplitModel.Layer::name)).distinct().toList()
                    : layers.stream().map(l -> l.equals("default") ? m.layer() : l).toList();
            Set<String> wanted = new LinkedHashSet<>(layers);
            m.layers().forEach(l -> {
                if (wanted.contains(l.name())) {
                    ordered.add(l.name()); // graph order: the earliest is the split, the rest are tapped
                }
            });
            wanted.removeAll(ordered);
            if (!wanted.isEmpty()) {
                throw new BadInputException("unknown layers: " + String.join(", ", wanted) + " (heatbox layers lists them)");
            }
        }
        String tunedOn = data.dir().getFileName() + " (" + ex.size() + " images)";
        List<Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        int passes = methods.size() * ttas.size();
        int done = 0;
        for (String method : methods) {
            for (String tta : ttas) {
                LayerPass pass = LayerPass.run(model, ex, method, Tta.parse(tta), ordered, batch, log);
                List<Row> singles = new ArrayList<>();
                for (String layer : ordered) {
                    for (String norm : norms) {
                        singles.add(score(pass, ex, method, List.of(layer), null, norm, tta, tunedOn));
                    }
                }
                rows.addAll(singles);
                if (fuseUpTo >= 2) {
                    rows.addAll(fusions(pass, ex, method, tta, norms, singles, fuseUpTo, tunedOn));
                }
                done++;
                long eta = Math.round((System.nanoTime() - t0) / 1e9 / done * (passes - done));
                Row best = rows.stream().max(BY_QUALITY).orElseThrow();
                log.printf(Locale.ROOT, "[%d/%d] %s, tta %s: %d layers scored; best so far %s MaxBoxAccV2 %.3f  ETA %d:%02d%n",
                        done, passes, method, tta, ordered.size(), name(best.recipe()), best.maxBoxAccV2(), eta / 60, eta % 60);
            }
        }
        return timeBest(rows, ex, methods.get(0), layers.get(0), norms.get(0), ttas.get(0), timedRows, tunedOn);
    }

    static final Comparator<Row> BY_QUALITY = Comparator.comparingDouble(Row::maxBoxAccV2).thenComparingDouble(Row::gtKnownLoc);

    /** The best distinct layers (min-max rows), fused 2, 3, … at a time by max and by mean. */
    private List<Row> fusions(LayerPass pass, TuneImages ex, String method, String tta, List<String> norms, List<Row> singles,
                              int upTo, String tunedOn) {
        List<Row> byQuality = singles.stream().filter(r -> r.recipe().norm().equals(norms.get(0)))
                .sorted(BY_QUALITY.reversed()).toList();
        List<String> chosen = new ArrayList<>();
        for (Row r : byQuality) {
            String l = r.recipe().layer();
            if (chosen.size() < upTo && chosen.stream().allMatch(c -> correlation(pass, ex, c, l) < REDUNDANT)) {
                chosen.add(l);
            }
        }
        List<Row> out = new ArrayList<>();
        for (int k = 2; k <= chosen.size(); k++) {
            List<String> set = new ArrayList<>(chosen.subList(0, k));
            set.sort(Comparator.comparingInt(l -> pass.order(l)));
            for (Fusion.Mode mode : Fusion.Mode.values()) {
                for (String norm : norms) {
                    out.add(score(pass, ex, method, set, mode, norm, tta, tunedOn));
                }
            }
        }
        return out;
    }

    /** Mean over images of the Pearson correlation of two layers' maps at input size. */
    private static double correlation(LayerPass pass, TuneImages ex, String a, String b) {
        return IntStream.range(0, ex.size()).mapToDouble(i -> Heatmaps.correlation(pass.atInputSize(List.of(a), null, i),
                pass.atInputSize(List.of(b), null, i))).average().orElse(0);
    }

    private Row score(LayerPass pass, TuneImages ex, String method, List<String> layers, Fusion.Mode mode, String norm, String tta,
                      String tunedOn) {
        Normalization n = Normalization.parse(norm);
        List<float[]> maps = IntStream.range(0, ex.size()).parallel()
                .mapToObj(i -> n.apply(pass.atInputSize(layers, mode, i))).toList();
        String fuse = mode == null ? null : new Fusion(mode, layers.subList(1, layers.size())).toString();
        return scored(maps, ex, new Recipe(method, layers.get(0), fuse, norm, tta, 0, "largest", null, null, null, null, null, null, tunedOn),
                null);
    }

    /** MaxBoxAccV2 and GT-known Loc at the best τ of these maps; the recipe takes that τ and the figures. */
    private static Row scored(List<float[]> maps, TuneImages ex, Recipe r, Double seconds) {
        MaxBoxAcc v2 = MaxBoxAcc.v2(0.01);
        MaxBoxAcc v1 = MaxBoxAcc.v1(0.01);
        for (int i = 0; i < maps.size(); i++) {
            v2.accumulate(maps.get(i), ex.mapHeight(), ex.mapWidth(), ex.boxes().get(i));
            v1.accumulate(maps.get(i), ex.mapHeight(), ex.mapWidth(), ex.boxes().get(i));
        }
        double[] curve = v1.curves()[0];
        int best = 0;
        for (int t = 1; t < curve.length; t++) {
            if (curve[t] > curve[best]) {
                best = t;
            }
        }
        Recipe x = new Recipe(r.method(), r.layer(), r.fuse(), r.norm(), r.tta(), v1.taus()[best], r.boxes(), r.refine(), r.nms(), v2.mean(),
                curve[best], seconds, null, r.tunedOn());
        Double otsu = null;
        if (seconds != null) { // timed rows: GT-known Loc with Otsu's per-image τ instead of the tuned one
            LocalizationAccuracy loc = new LocalizationAccuracy(0.5);
            for (int i = 0; i < maps.size(); i++) {
                List<BoxExtractor.Component> c = new BoxExtractor(BoxExtractor.otsu(maps.get(i)), BoxExtractor.Mode.LARGEST)
                        .extract(maps.get(i), ex.mapHeight(), ex.mapWidth());
                loc.accumulate(c.isEmpty() ? null : c.get(0).box(), ex.boxes().get(i), true);
            }
            otsu = loc.compute().gtKnownLoc();
        }
        return new Row(x, v2.mean(), curve[best], seconds, otsu, v2, v1);
    }

    /** Runs the baseline, the best single layer and the best rows as the recipe would, timed; they replace their untimed rows. */
    private List<Row> timeBest(List<Row> rows, TuneImages ex, String method, String layer, String norm, String tta, int n,
                               String tunedOn) {
        Row baseline = rows.stream().filter(r -> r.recipe().method().equals(method) && r.recipe().layer().equals(layer)
                && r.recipe().fuse() == null && r.recipe().norm().equals(norm) && r.recipe().tta().equals(tta)).findFirst().orElseThrow();
        List<Row> sorted = rows.stream().sorted(BY_QUALITY.reversed()).toList();
        Set<Row> toTime = new LinkedHashSet<>();
        toTime.add(baseline);
        sorted.stream().filter(r -> r.recipe().fuse() == null).findFirst().ifPresent(toTime::add);
        sorted.stream().limit(n).forEach(toTime::add);
        List<Row> out = new ArrayList<>(rows);
        out.remove(baseline);
        out.add(0, baseline); // first: the row costs are measured against
        int k = 0;
        for (Row r : toTime) {
            Row t;
            try {
                t = timed(r.recipe(), ex, tunedOn);
            } catch (BadInputException e) {
                // e.g. a TorchScript layer that is only a tap: scored from the shared pass, but not a layer to split at
                k++;
                log.printf(Locale.ROOT, "[timed %d/%d] %-40s left untimed, so not a recipe here: %s%n", k, toTime.size(),
                        name(r.recipe()), e.getMessage());
                continue;
            }
            out.set(out.indexOf(r), t);
            k++;
            log.printf(Locale.ROOT, "[timed %d/%d] %-40s MaxBoxAccV2 %.3f  GT-known %.3f  %.3f s/img%s%n", k, toTime.size(),
                    name(t.recipe()), t.maxBoxAccV2(), t.gtKnownLoc(), t.secondsPerImage(),
                    Math.abs(t.maxBoxAccV2() - r.maxBoxAccV2()) > 1e-9 ? String.format(Locale.ROOT, " (from the shared pass: %.3f)",
                            r.maxBoxAccV2()) : "");
        }
        return out;
    }

    private Row timed(Recipe r, TuneImages ex, String tunedOn) {
        try (SplitModel m = Models.load(model, r.layer(), null)) {
            ExplainEngine e = new ExplainEngine(m, Methods.create(r.method(), batch), Normalization.parse(r.norm()), Tta.parse(r.tta()),
                    r.fuse() == null ? null : Fusion.parse(r.fuse()));
            int warm = Math.min(batch, ex.size()); // the first pass of a model is slower: keep it out of the timing
            e.explain(ex.tensors().subList(0, warm), GroundTruthTargets.rule(ex.targets().subList(0, warm), 0, m.labels()));
            List<float[]> maps = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int s = 0; s < ex.size(); s += batch) {
                int end = Math.min(ex.size(), s + batch);
                for (Explanation x : e.explain(ex.tensors().subList(s, end), GroundTruthTargets.rule(ex.targets().subList(s, end), 0,
                        m.labels()))) {
                    maps.add(x.map());
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9 / ex.size();
            return scored(maps, ex, r, secs);
        }
    }

    static String name(Recipe r) {
        return r.method() + " " + (r.fuse() == null ? r.layer() : r.fuse().replace(":", "(" + r.layer() + ",") + ")") + " "
                + r.norm() + (r.tta().equals("none") ? "" : " " + r.tta());
    }

    /** Folds of the out-of-fold figures (images dealt round-robin). */
    public static final int FOLDS = 5;

    /**
     * The recipe to ship, among timed rows costing at most {@code maxCost} times the first row's time
     * (the baseline, listed first among the timed). Rows with per-image results are chosen honestly
     * ({@link #pickOutOfFold}); without them (hand-made rows), the best MaxBoxAccV2, then GT-known Loc.
     */
    public static Recipe pick(List<Row> rows, double maxCost) {
        double base = baseline(rows).secondsPerImage();
        List<Row> affordable = rows.stream().filter(r -> r.timed() && r.secondsPerImage() <= maxCost * base).toList();
        Row best = affordable.isEmpty() ? baseline(rows)
                : affordable.stream().allMatch(r -> r.v2() != null) ? pickOutOfFold(affordable)
                : affordable.stream().max(BY_QUALITY.thenComparing(r -> -r.secondsPerImage())).orElseThrow();
        Recipe r = best.recipe();
        return new Recipe(r.method(), r.layer(), r.fuse(), r.norm(), r.tta(), r.threshold(), r.boxes(), r.refine(), r.nms(), r.maxBoxAccV2(),
                r.gtKnownLoc(), r.secondsPerImage(), best.secondsPerImage() / base, r.tunedOn());
    }

    /**
     * Honest selection: each row's MaxBoxAccV2 out of fold ({@link MaxBoxAcc#outOfFold}: τ chosen on the
     * other folds). Start from the best plain row (one layer, no augmentation); a richer row (more layers,
     * augmentation) or any better row replaces it only when the paired-bootstrap 95 % interval of its
     * out-of-fold gain lies above zero, richer rows tried best first. A gain that is a few images on a
     * small set does not change the recipe.
     */
    static Row pickOutOfFold(List<Row> rows) {
        Comparator<Row> byOof = Comparator.comparingDouble(Row::maxBoxAccV2OutOfFold).thenComparing(BY_QUALITY)
                .thenComparing(r -> -r.secondsPerImage());
        Row current = rows.stream().filter(r -> complexity(r.recipe()) == 0).max(byOof)
                .orElse(rows.stream().min(Comparator.comparingInt((Row r) -> complexity(r.recipe()))).orElseThrow());
        for (Row r : rows.stream().sorted(byOof.reversed()).toList()) {
            if (r != current && r.maxBoxAccV2OutOfFold() > current.maxBoxAccV2OutOfFold()
                    && PairedBootstrap.difference(r.v2().outOfFold(FOLDS), current.v2().outOfFold(FOLDS), 10_000, 1).low() > 0) {
                current = r;
            }
        }
        return current;
    }

    /** How much a recipe adds to a plain map: its extra layers, and one for augmentation. */
    static int complexity(Recipe r) {
        int layers = r.fuse() == null ? 0 : Fusion.parse(r.fuse()).layers().size();
        return layers + (r.tta().equals("none") ? 0 : 1);
    }

    /** The first timed row: the baseline costs are measured against. */
    public static Row baseline(List<Row> rows) {
        return rows.stream().filter(Row::timed).findFirst().orElseThrow();
    }
}
