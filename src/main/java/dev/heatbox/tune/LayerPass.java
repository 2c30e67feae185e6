package dev.heatbox.tune;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Heatmaps;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every layer's raw map of every tuning image for one method and augmentation, from one forward
 * and one backward per batch: the model is split at the earliest layer and taps the others. A model
 * that cannot tap (TorchScript, say) takes one pass per layer. Maps are kept at layer resolution;
 * {@link #atInputSize} builds a single layer's or a fusion's map exactly as {@link ExplainEngine}
 * does, so a variant can be scored without running the model again.
 */
final class LayerPass {
    /** One layer's maps: [image][h·w], and the mirrored image's (flip) or null. */
    record Maps(float[][] maps, float[][] mirrored, int height, int width) {}

    final Map<String, Maps> byLayer = new HashMap<>();
    final boolean flip;
    private final List<String> order = new ArrayList<>();
    private final int h;
    private final int w;

    private LayerPass(boolean flip, int h, int w) {
        this.flip = flip;
        this.h = h;
        this.w = w;
    }

    /** @param layers in graph order */
    static LayerPass run(Path model, TuneImages ex, String method, boolean flip, List<String> layers, int batch, PrintStream log) {
        LayerPass p = new LayerPass(flip, ex.mapHeight(), ex.mapWidth());
        p.order.addAll(layers);
        try (SplitModel m = Models.load(model, layers.get(0), null)) {
            ExplainEngine e;
            try {
                e = new ExplainEngine(m, Methods.create(method, batch), Normalization.MIN_MAX, false,
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
        for (int s = 0; s < n; s += batch) {
            int end = Math.min(n, s + batch);
            List<float[]> in = ex.tensors().subList(s, end);
            ExplainEngine.LayerMaps lm = e.layerMaps(in, GroundTruthTargets.rule(ex.targets().subList(s, end), 0, m.labels()));
            ExplainEngine.LayerMaps mir = flip ? e.layerMaps(Heatmaps.mirrorInputs(in, m.input().channels(), h, w),
                    TargetRule.fixed(lm.targets(), m.labels())) : null;
            for (int k = 0; k < layers.size(); k++) {
                ExplainEngine.LayerMaps one = k == 0 ? lm : lm.tapped().get(k - 1);
                ExplainEngine.LayerMaps oneMir = mir == null ? null : k == 0 ? mir : mir.tapped().get(k - 1);
                Maps maps = byLayer.computeIfAbsent(layers.get(k), x -> new Maps(new float[n][], flip ? new float[n][] : null,
                        one.height(), one.width()));
                for (int i = 0; i < one.maps().length; i++) {
                    maps.maps()[s + i] = one.maps()[i];
                    if (oneMir != null) {
                        maps.mirrored()[s + i] = oneMir.maps()[i];
                    }
                }
            }
        }
    }

    /** Image i's map before normalization: one layer's (fusion null), or the fusion of the given layers. */
    float[] atInputSize(List<String> layers, Fusion.Mode fusion, int i) {
        float[] up = oneView(layers, fusion, i, false);
        if (flip) {
            float[] back = Heatmaps.mirror(oneView(layers, fusion, i, true), 1, h, w);
            for (int j = 0; j < up.length; j++) {
                up[j] = (up[j] + back[j]) / 2;
            }
        }
        return up;
    }

    private float[] oneView(List<String> layers, Fusion.Mode fusion, int i, boolean mirrored) {
        List<float[]> all = new ArrayList<>();
        for (String l : layers) {
            Maps m = byLayer.get(l);
            float[] up = Heatmaps.resize((mirrored ? m.mirrored() : m.maps())[i], m.height(), m.width(), h, w);
            all.add(fusion == null ? up : Heatmaps.minMaxNormalize(up));
        }
        return fusion == null ? all.get(0) : new Fusion(fusion, layers).combine(all);
    }

    /** A layer's place in graph order. */
    int order(String layer) {
        return order.indexOf(layer);
    }

    static String describe(List<String> layers, Fusion.Mode fusion) {
        return fusion == null ? layers.get(0) : fusion.name().toLowerCase(Locale.ROOT) + "(" + String.join(", ", layers) + ")";
    }
}
