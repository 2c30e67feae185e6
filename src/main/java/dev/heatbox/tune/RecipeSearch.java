package dev.heatbox.tune;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.score.MaxBoxAcc;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tries recipes on a labelled dataset folder, GT-known (each image explained for its first labelled
 * category, as wsolevaluation does): for each (method, layer, normalization, TTA), MaxBoxAccV2 and
 * GT-known Loc@0.5 at the best τ of the largest-component rule, and seconds per image. Images are
 * decoded once; a layer's model is loaded once for all its variants.
 */
public final class RecipeSearch {
    /** One tried recipe and what it scored. */
    public record Row(Recipe recipe, double maxBoxAccV2, double gtKnownLoc, double secondsPerImage) {}

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

    /** Every combination, in the order given (cheap ones first is the caller's choice), one row each. */
    public List<Row> run(List<String> methods, List<String> layers, List<String> norms, List<String> ttas) {
        List<Row> rows = new ArrayList<>();
        int total = methods.size() * layers.size() * norms.size() * ttas.size();
        long t0 = System.nanoTime();
        for (String layer : layers) {
            try (SplitModel m = Models.load(model, layer.equals("default") ? null : layer, null)) {
                Examples ex = examples(m);
                warmUp(m, ex, methods.get(0)); // the first pass of a model is slower: keep it out of the timings
                for (String method : methods) {
                    for (String tta : ttas) {
                        for (String norm : norms) {
                            rows.add(score(m, ex, method, norm, tta));
                            double secs = (System.nanoTime() - t0) / 1e9;
                            long eta = Math.round(secs / rows.size() * (total - rows.size()));
                            Row r = rows.get(rows.size() - 1);
                            log.printf(Locale.ROOT, "[%d/%d] %-10s %-22s %-8s %-5s MaxBoxAccV2 %.3f  GT-known %.3f  %.3f s/img  ETA %d:%02d%n",
                                    rows.size(), total, method, m.layer(), norm, tta, r.maxBoxAccV2(), r.gtKnownLoc(),
                                    r.secondsPerImage(), eta / 60, eta % 60);
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** The decoded images, each with its first labelled category's targets and boxes. */
    private record Examples(List<float[]> tensors, List<List<GroundTruthTargets.Target>> targets,
                            List<List<PixelBox>> boxes, List<int[]> sizes) {}

    private Examples examples(SplitModel m) {
        Cv.load();
        GroundTruthTargets gt = new GroundTruthTargets(data.coco(), classes == null ? null : ClassMap.read(classes, m.labels()),
                m.labels());
        Map<Long, String> names = data.categoryNames();
        Examples ex = new Examples(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (DatasetFolder.Item it : data.items()) {
            if (it.categories().isEmpty()) {
                continue;
            }
            long first = it.categories().get(0); // WSOL's image class: the first annotation's category
            List<GroundTruthTargets.Target> t = gt.of(it.image()).stream().filter(x -> x.categoryId() == first).toList();
            if (t.isEmpty()) {
                continue; // no model class stands for it
            }
            List<PixelBox> boxes = new ArrayList<>();
            for (int b = 0; b < it.boxes().size(); b++) {
                if (it.categories().get(b) == first) {
                    boxes.add(it.boxes().get(b));
                }
            }
            ex.tensors().add(m.input().toTensor(Cv.read(it.image(), m.input().grey())));
            ex.targets().add(t);
            ex.boxes().add(boxes);
            ex.sizes().add(new int[] {it.width(), it.height()});
        }
        if (ex.tensors().isEmpty()) {
            throw BadInputException.of(data.dir(), "no image whose first labelled category has a model class ("
                    + names.size() + " categories; give --classes)");
        }
        return ex;
    }

    private void warmUp(SplitModel m, Examples ex, String method) {
        int n = Math.min(batch, ex.tensors().size());
        new ExplainEngine(m, Methods.create(method, batch)).explain(ex.tensors().subList(0, n),
                GroundTruthTargets.rule(ex.targets().subList(0, n), 0, m.labels()));
    }

    private Row score(SplitModel m, Examples ex, String method, String norm, String tta) {
        ExplainEngine engine = new ExplainEngine(m, Methods.create(method, batch), Normalization.parse(norm), "flip".equals(tta));
        MaxBoxAcc v2 = MaxBoxAcc.v2(0.01);
        MaxBoxAcc v1 = MaxBoxAcc.v1(0.01);
        long t0 = System.nanoTime();
        for (int s = 0; s < ex.tensors().size(); s += batch) {
            int e = Math.min(ex.tensors().size(), s + batch);
            List<Explanation> maps = engine.explain(ex.tensors().subList(s, e),
                    GroundTruthTargets.rule(ex.targets().subList(s, e), 0, m.labels()));
            for (int i = 0; i < maps.size(); i++) {
                Explanation x = maps.get(i);
                int[] size = ex.sizes().get(s + i);
                List<PixelBox> gt = new ArrayList<>();
                ex.boxes().get(s + i).forEach(b -> gt.add(b.resizedLikeWsol(size[0], size[1], x.width(), x.height())));
                v2.accumulate(x.map(), x.height(), x.width(), gt);
                v1.accumulate(x.map(), x.height(), x.width(), gt);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9 / ex.tensors().size();
        double[] curve = v1.curves()[0];
        int best = 0;
        for (int t = 1; t < curve.length; t++) {
            if (curve[t] > curve[best]) {
                best = t;
            }
        }
        double tau = v1.taus()[best];
        Recipe r = new Recipe(method, m.layer(), norm, tta, tau, "largest", null, v2.mean(), curve[best], secs, null,
                data.dir().getFileName() + " (" + ex.tensors().size() + " images)");
        return new Row(r, v2.mean(), curve[best], secs);
    }

    /**
     * The recipe to ship: the best MaxBoxAccV2 (then GT-known Loc) among those costing at most
     * {@code maxCost} times the first row's time (the plain baseline, listed first).
     */
    public static Recipe pick(List<Row> rows, double maxCost) {
        double base = rows.get(0).secondsPerImage();
        Row best = rows.stream().filter(r -> r.secondsPerImage() <= maxCost * base)
                .max(Comparator.comparingDouble(Row::maxBoxAccV2).thenComparingDouble(Row::gtKnownLoc)
                        .thenComparing(r -> -r.secondsPerImage()))
                .orElse(rows.get(0));
        Recipe r = best.recipe();
        return new Recipe(r.method(), r.layer(), r.norm(), r.tta(), r.threshold(), r.boxes(), r.refine(), r.maxBoxAccV2(), r.gtKnownLoc(),
                r.secondsPerImage(), best.secondsPerImage() / base, r.tunedOn());
    }
}
