package dev.heatbox.tune;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.explain.Tta;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.score.CocoEval;
import dev.heatbox.util.Cv;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The box rule and τ for a recipe, chosen by what a label run is judged by: COCO AP50 of
 * {@code label --labels} on the labelled images (each image explained for every category it is
 * labelled with, boxes scored as label scores them), over every box rule × τ of a small grid.
 */
public final class BoxRuleSearch {
    /** The rules tried: the largest component, every component, and instances at several dips. */
    static final List<String> RULES = List.of("largest", "all", "instances:0.1", "instances:0.2", "instances:0.3",
            "instances:0.5");

    /** One rule at one τ and its COCO AP50 and AP on the tuning images. */
    public record Row(String boxes, double threshold, double ap50, double ap) {}

    /**
     * What the choice is worth on images it was not made on: each fold's images boxed by the rule and
     * τ chosen on the other folds, all folds' boxes scored together (COCO AP50); and the choices.
     */
    public record OutOfFold(int folds, double ap50, List<String> chosen) {}

    /** Folds of the out-of-fold estimate (images dealt round-robin in dataset order). */
    static final int FOLDS = 5;

    /** One explained (image, labelled category): its map at the model's input size and the class's probability. */
    private record Explained(long imageId, long categoryId, int width, int height, Explanation e) {}

    private BoxRuleSearch() {}

    /**
     * The rows (every rule × τ, best AP50 first), the out-of-fold estimates of choosing among all of them
     * and among the largest-component rule's τ alone, and the choice: the best row of the family whose
     * choice holds better out of fold (the plain family on a tie).
     */
    public record Result(List<Row> rows, OutOfFold outOfFold, OutOfFold plainOutOfFold, Row chosen) {}

    /** Every rule × τ, best AP50 first (ties: the order of {@link #RULES}, then the lower τ). */
    public static Result run(Path model, DatasetFolder.Loaded data, Path classes, Recipe r, int batch, PrintStream log) {
        List<Explained> ex = explain(model, data, classes, r, batch);
        List<Row> sorted = choose(ex, data.coco(), x -> true, RULES);
        OutOfFold oof = outOfFold(ex, data.coco(), RULES);
        OutOfFold plain = outOfFold(ex, data.coco(), List.of("largest"));
        Row best = oof.ap50() > plain.ap50() ? sorted.get(0)
                : sorted.stream().filter(x -> x.boxes().equals("largest")).findFirst().orElseThrow();
        log.printf(Locale.ROOT, "box rule: %s at threshold %.2f, COCO AP50 %.4f on %d labelled image-categories (in-sample);"
                + " %d-fold out of fold: choosing among every rule %.4f, among the largest component's thresholds %.4f%n",
                best.boxes(), best.threshold(), best.ap50(), ex.size(), oof.folds(), oof.ap50(), plain.ap50());
        return new Result(sorted, oof, plain, best);
    }

    /** Every rule × τ scored on the explained rows {@code use} keeps, best first. */
    private static List<Row> choose(List<Explained> ex, Coco.Dataset gt, java.util.function.Predicate<Explained> use,
                                    List<String> rules) {
        List<Explained> part = ex.stream().filter(use).toList();
        Coco.Dataset scoped = imagesOf(gt, part);
        List<Row> rows = new ArrayList<>();
        for (String rule : rules) {
            BoxRule b = BoxRule.parse(rule);
            for (int t = 10; t <= 60; t += 5) {
                double tau = t / 100.0;
                CocoEval e = new CocoEval();
                e.evaluate(scoped, results(part, b, tau));
                rows.add(new Row(b.toString(), tau, e.stats()[1], e.stats()[0]));
            }
        }
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble((Row x) -> -x.ap50()).thenComparingInt(rows::indexOf));
        return sorted;
    }

    private static OutOfFold outOfFold(List<Explained> ex, Coco.Dataset gt, List<String> rules) {
        List<Long> images = ex.stream().map(Explained::imageId).distinct().toList();
        List<Coco.Result> pooled = new ArrayList<>();
        List<String> chosen = new ArrayList<>();
        for (int f = 0; f < FOLDS; f++) {
            int fold = f;
            java.util.function.Predicate<Explained> held = x -> images.indexOf(x.imageId()) % FOLDS == fold;
            Row pick = choose(ex, gt, held.negate(), rules).get(0);
            chosen.add(String.format(Locale.ROOT, "%s@%.2f", pick.boxes(), pick.threshold()));
            pooled.addAll(results(ex.stream().filter(held).toList(), BoxRule.parse(pick.boxes()), pick.threshold()));
        }
        CocoEval e = new CocoEval();
        e.evaluate(imagesOf(gt, ex), pooled);
        return new OutOfFold(FOLDS, e.stats()[1], chosen);
    }

    /** The ground truth restricted to the images these rows explain (the others were not boxed at all). */
    private static Coco.Dataset imagesOf(Coco.Dataset gt, List<Explained> ex) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        ex.forEach(x -> ids.add(x.imageId()));
        Coco.Dataset d = new Coco.Dataset();
        d.categories = gt.categories;
        d.images = gt.images.stream().filter(i -> ids.contains(i.id)).toList();
        d.annotations = gt.annotations.stream().filter(a -> ids.contains(a.image_id)).toList();
        return d;
    }

    /** The results list a label run would write with this rule and τ. */
    private static List<Coco.Result> results(List<Explained> ex, BoxRule rule, double tau) {
        List<Coco.Result> out = new ArrayList<>();
        for (Explained x : ex) {
            Explanation e = x.e();
            for (PixelBox box : rule.boxes(e.map(), e.height(), e.width(), tau)) {
                double score = BoxRule.score(e.map(), e.width(), box, e.targetProbability());
                out.add(new Coco.Result(x.imageId(), x.categoryId(), box.toCocoScaled(e.width(), e.height(), x.width(), x.height()),
                        score));
            }
        }
        return out;
    }

    /** Each image explained once per labelled category with a model class, as the recipe makes maps. */
    private static List<Explained> explain(Path model, DatasetFolder.Loaded data, Path classes, Recipe r, int batch) {
        Cv.load();
        List<Explained> out = new ArrayList<>();
        try (SplitModel m = Models.load(model, r.layer(), null)) {
            GroundTruthTargets gt = new GroundTruthTargets(data.coco(), classes == null ? null : ClassMap.read(classes, m.labels()),
                    m.labels());
            ExplainEngine engine = new ExplainEngine(m, Methods.create(r.method(), batch), Normalization.parse(r.norm()),
                    Tta.parse(r.tta()), r.fuse() == null ? null : Fusion.parse(r.fuse()));
            List<float[]> rows = new ArrayList<>();
            List<GroundTruthTargets.Target> targets = new ArrayList<>();
            List<DatasetFolder.Item> items = new ArrayList<>();
            for (DatasetFolder.Item it : data.items()) {
                List<GroundTruthTargets.Target> t = gt.of(it.image());
                if (t == null || t.isEmpty()) {
                    continue;
                }
                float[] tensor = m.input().toTensor(Cv.read(it.image(), m.input().grey()));
                for (GroundTruthTargets.Target target : t) {
                    rows.add(tensor);
                    targets.add(target);
                    items.add(it);
                }
            }
            for (int s = 0; s < rows.size(); s += batch) {
                int end = Math.min(rows.size(), s + batch);
                List<GroundTruthTargets.Target> chunk = targets.subList(s, end);
                TargetRule rule = TargetRule.perRow(chunk.stream().map(GroundTruthTargets.Target::classes).toList(),
                        new int[chunk.size()], m.labels());
                List<Explanation> e = engine.explain(rows.subList(s, end), rule);
                for (int i = 0; i < e.size(); i++) {
                    DatasetFolder.Item it = items.get(s + i);
                    out.add(new Explained(it.id(), chunk.get(i).categoryId(), it.width(), it.height(), e.get(i)));
                }
            }
        }
        return out;
    }
}
