package dev.heatbox.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Layer fusion (LayerCAM, Jiang et al. 2021): maps of several layers, each upsampled to the input
 * and scaled to [0, 1] on its own (a layer with larger activations must not drown the others), then
 * combined pixel by pixel by their max or their mean. The first layer is the model's split layer;
 * the others come later in the graph and are tapped from the same forward and backward.
 */
public record Fusion(Mode mode, List<String> layers) {
    public enum Mode {
        MAX, MEAN;

        /** Combines same-sized maps (each already scaled to [0, 1]) into a new array. */
        public float[] combine(List<float[]> maps) {
            float[] out = maps.get(0).clone();
            for (int k = 1; k < maps.size(); k++) {
                float[] m = maps.get(k);
                for (int i = 0; i < out.length; i++) {
                    out[i] = this == MAX ? Math.max(out[i], m[i]) : out[i] + m[i];
                }
            }
            if (this == MEAN) {
                for (int i = 0; i < out.length; i++) {
                    out[i] /= maps.size();
                }
            }
            return out;
        }
    }

    public Fusion {
        layers = List.copyOf(layers);
    }

    /** One layer's map of one image at layer resolution. */
    public record LayerMap(float[] map, int height, int width) {}

    /**
     * One view of an image on the h×w input: the first layer's map resized (mode null), or every layer's
     * resized, scaled to [0, 1] and combined. The engine and tune's shared pass both build maps this way.
     */
    public static float[] onImage(Mode mode, List<LayerMap> layers, int h, int w) {
        List<float[]> up = new ArrayList<>();
        for (LayerMap l : mode == null ? layers.subList(0, 1) : layers) {
            float[] m = Heatmaps.resize(l.map(), l.height(), l.width(), h, w);
            up.add(mode == null ? m : Heatmaps.minMaxNormalize(m));
        }
        return mode == null ? up.get(0) : mode.combine(up);
    }

    /** Combines same-sized maps (each already scaled to [0, 1]) with this fusion's mode. */
    public float[] combine(List<float[]> maps) {
        return mode.combine(maps);
    }

    /** {@code max:L1,L2} or {@code mean:L1,L2}: the later layers fused with the split layer. */
    public static Fusion parse(String s) {
        int colon = s.indexOf(':');
        String mode = colon < 0 ? "" : s.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("max") && !mode.equals("mean") || colon == s.length() - 1) {
            throw new IllegalArgumentException("fusion '" + s + "': max:LAYER[,LAYER…] or mean:LAYER[,LAYER…]");
        }
        List<String> layers = new ArrayList<>();
        for (String l : s.substring(colon + 1).split(",")) {
            if (!l.isBlank()) {
                layers.add(l.trim());
            }
        }
        return new Fusion(mode.equals("max") ? Mode.MAX : Mode.MEAN, layers);
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(Locale.ROOT) + ":" + String.join(",", layers);
    }
}
