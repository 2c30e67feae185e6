package dev.heatbox.explain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of {@code heatmaps/index.json} (docs/ARCHITECTURE.md): what a .npy file explains. */
public final class HeatmapIndex {
    private HeatmapIndex() {}

    public static Map<String, Object> entry(String file, Path image, int width, int height, Explanation e, String label,
                                            String method, String layer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", file);
        m.put("image", image.toString());
        m.put("width", width);
        m.put("height", height);
        m.put("target", e.target());
        m.put("label", label);
        m.put("score", e.targetProbability());
        m.put("method", method);
        m.put("layer", layer);
        m.put("top1", e.target() == e.top1());
        return m;
    }
}
