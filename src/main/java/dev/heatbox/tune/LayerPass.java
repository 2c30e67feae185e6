package dev.heatbox.tune;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Heatmaps;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.explain.Tta;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every layer's raw map of every tuning image for one method and augmentation, from one forward
 * and one backward per batch and view: the model is split at the earliest layer and taps the others.
 * A model that cannot tap (TorchScript, say) takes one pass per layer. Maps are kept at layer
 * resolution; {@link #atInputSize} builds a single layer's or a fusion's map as {@link ExplainEngine}
 * does, so a variant is scored without running the model again.
 */
final class LayerPass {
    /** One layer's maps: [view][image][h·w] with each view's size (views as {@link Tta#views()}). */
    record Maps(float[][][] maps, int[] heights, int[] widths) {}

    private final Map<String, Maps> byLayer = new HashMap<>();
    private final List<Tta.View> views;
    private final List<String> order = new ArrayList<>();
    private final int h;
    private final int w;

    private LayerPass(Tta tta, int h, int w) {
        this.views = tta.views();
        this.h = h;
        this.w = w;
    }

    /** @param layers in graph order */
    static LayerPass run(Path model, TuneImages ex, String method, Tta tta, List<String> layers, int batch, PrintStream log) {
        LayerPass p = new LayerPass(tta, ex.mapHeight(), ex.mapWidth());
        p.order.addAll(layers);
        try (SplitModel m = Models.load(model, layers.get(0), null)) {
            ExplainEngine e;
            try {
                e = new ExplainEngine(m, Methods.create(method, batch), Normalization.MIN_MAX, Tta.NONE,
                        new Fusion(Fusion.Mode.MAX, layers.subList(1, layers.size())));
            } catch (BadInputException cannotTap) {
                log.println("  (" + cannotTap.getMessage() + ": one pass per layer)");
                e = null;
            }
            if (e != null) {
                p.collect(m, e, ex, layers, batch);
                return p;
            }
        }
        for (String layer : layers) {
            try (SplitModel m = Models.load(model, layer, null)) {
                p.collect(m, new ExplainEngine(m, Methods.create(method, batch)), ex, List.of(layer), batch);
            }
        }
        return p;
    }

    private void collect(SplitModel m, ExplainEngine e, TuneImages ex, List<String> layers, int batch) {
        int n = ex.size();
        int c = m.input().channels();
        for (int s = 0; s < n; s += batch) {
            int end = Math.min(n, s + batch);
            List<float[]> in = ex.tensors().subList(s, end);
            int[] targets = null;
            for (int v = 0; v < views.size(); v++) {
                Tta.View view = views.get(v);
                int vh = (int) Math.round(h * view.scale());
                int vw = (int) Math.round(w * view.scale());
                List<float[]> x = view.scale() == 1 ? in : Heatmaps.resizeInputs(in, c, h, w, vh, vw);
                if (view.mirrored()) {
                    x = Heatmaps.mirrorInputs(x, c, vh, vw);
                }
                TargetRule rule = targets == null ? GroundTruthTargets.rule(ex.targets().subList(s, end), 0, m.labels())
                        : TargetRule.fixed(targets, m.labels());
                ExplainEngine.LayerMaps lm = e.layerMaps(x, vh, vw, rule);
                targets = lm.targets(); // every view explains the plain view's class
                for (int k = 0; k < layers.size(); k++) {
                    ExplainEngine.LayerMaps one = k == 0 ? lm : lm.tapped().get(k - 1);
                    Maps maps = byLayer.computeIfAbsent(layers.get(k), l -> new Maps(new float[views.size()][n][],
                            new int[views.size()], new int[views.size()]));
                    maps.heights()[v] = one.height();
                    maps.widths()[v] = one.width();
                    System.arraycopy(one.maps(), 0, maps.maps()[v], s, one.maps().length);
                }
            }
        }
    }

    /** Image i's map before normalization: one layer's (fusion null), or the fusion of the given layers; views averaged. */
    float[] atInputSize(List<String> layers, Fusion.Mode fusion, int i) {
        float[] sum = new float[h * w];
        for (int v = 0; v < views.size(); v++) {
            List<Fusion.LayerMap> maps = new ArrayList<>();
            for (String l : layers) {
                Maps m = byLayer.get(l);
                maps.add(new Fusion.LayerMap(m.maps()[v][i], m.heights()[v], m.widths()[v]));
            }
            Tta.addBack(views.get(v), Fusion.onImage(fusion, maps, h, w), sum, h, w);
        }
        for (int j = 0; j < sum.length; j++) {
            sum[j] /= views.size();
        }
        return sum;
    }

    /** A layer's place in graph order. */
    int order(String layer) {
        return order.indexOf(layer);
    }
}
