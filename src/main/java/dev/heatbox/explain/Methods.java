package dev.heatbox.explain;

import java.util.List;

/** The --method names and the classes behind them. */
public final class Methods {
    public static final List<String> NAMES = List.of("cam", "gradcam", "gradcam++", "xgradcam", "layercam", "hirescam",
            "scorecam");

    private Methods() {}

    /** @param batch masked images per forward pass, for the perturbation methods */
    public static Method create(String name, int batch) {
        switch (name) {
            case "cam": return new Cam();
            case "gradcam": return new GradCam();
            case "gradcam++": return new GradCamPlusPlus();
            case "xgradcam": return new XGradCam();
            case "layercam": return new LayerCam();
            case "hirescam": return new HiResCam();
            case "scorecam": return new ScoreCam(batch);
            default: throw new IllegalArgumentException("unknown method '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
    }
}
