package dev.heatbox.explain;

import java.util.List;

/** The --method names and the classes behind them. */
public final class Methods {
    public static final List<String> NAMES = List.of("cam", "gradcam", "gradcam++", "xgradcam", "layercam", "hirescam",
            "eigencam", "scorecam", "saliency", "deconvnet", "guided", "guided-gradcam", "occlusion", "rise", "lime");

    /** Settings of the input-level methods. */
    public static final class Options {
        public int batch = 16;
        /** SmoothGrad: noisy copies averaged (1 = plain gradient) and the noise level (fraction of the input range). */
        public int smooth = 1;
        public double noise = 0.15;
        /** Occlusion: patch side and stride in input pixels (0: an eighth of the input width, half of that). */
        public int patch = 0;
        public int stride = 0;
        /** RISE: number of masks, grid cells per side, keep probability. */
        public int masks = 2000;
        public int cells = 7;
        public double keep = 0.5;
        public long seed = 1;
        /** LIME: perturbed samples, SLIC region size (0: width/8) and ruler. */
        public int samples = 1000;
        public int slicSize = 0;
        public float slicRuler = 10f;
    }

    private Methods() {}

    /** @param batch masked images per forward pass, for the perturbation methods */
    public static Method create(String name, int batch) {
        Options o = new Options();
        o.batch = batch;
        return create(name, o, 224);
    }

    /** @param inputWidth the model's input width, for the occlusion patch default */
    public static Method create(String name, Options o, int inputWidth) {
        int batch = o.batch;
        switch (name) {
            case "saliency": return new Saliency(o.smooth, o.noise, o.seed);
            case "deconvnet": return new RectifiedSaliency(dev.heatbox.model.RectifierRule.DECONVNET);
            case "guided": return new RectifiedSaliency(dev.heatbox.model.RectifierRule.GUIDED);
            case "guided-gradcam": return new GuidedGradCam();
            case "occlusion": {
                int patch = o.patch > 0 ? o.patch : Math.max(2, inputWidth / 8);
                return new Occlusion(patch, o.stride > 0 ? o.stride : Math.max(1, patch / 2), batch);
            }
            case "rise": return new Rise(o.masks, o.cells, o.keep, o.seed, batch);
            case "lime": return new Lime(o.samples, o.slicSize > 0 ? o.slicSize : Math.max(4, inputWidth / 8), o.slicRuler,
                    o.seed, batch);
            case "cam": return new Cam();
            case "gradcam": return new GradCam();
            case "gradcam++": return new GradCamPlusPlus();
            case "xgradcam": return new XGradCam();
            case "layercam": return new LayerCam();
            case "hirescam": return new HiResCam();
            case "eigencam": return new EigenCam();
            case "scorecam": return new ScoreCam(batch);
            default: throw new IllegalArgumentException("unknown method '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }
}
