package dev.heatbox.model;

import dev.heatbox.model.mxnet.MxSymbolModel;
import dev.heatbox.model.onnx.OnnxModel;
import dev.heatbox.model.pytorch.PtSplitModel;
import dev.heatbox.util.BadInputException;
import java.nio.file.Path;

/** Opens a model folder by its {@code heatbox-model.json} "format". */
public final class Models {
    private Models() {}

    /**
     * @param layer  layer to explain, or null for the folder's default
     * @param output pre-softmax node, or null for the folder's setting (null there: detect a trailing softmax)
     */
    public static SplitModel load(Path dir, String layer, String output) {
        return load(dir, layer, output, null);
    }

    /** @param engine for a heatbox-cam network: "mxnet" or "pytorch" (null: the one it was trained on); others have one engine */
    public static SplitModel load(Path dir, String layer, String output, String engine) {
        if (dir.toString().startsWith("djl://")) {
            throw new BadInputException(dir + ": djl:// model-zoo URLs need internet access, which this machine lacks;"
                    + " download the model elsewhere and give its folder");
        }
        ModelSpec spec = ModelSpec.read(dir);
        if (engine != null && !CamNetModel.FORMAT.equals(spec.format)) {
            String own = PtSplitModel.FORMAT.equals(spec.format) ? Engines.PYTORCH : OnnxModel.FORMAT.equals(spec.format)
                    ? "OnnxRuntime" : Engines.MXNET;
            if (!own.equals(Engines.name(engine))) {
                throw BadInputException.of(dir, "a " + spec.format + " model runs on " + own + " only; --engine chooses the"
                        + " engine of a Heatbox-trained CAM network");
            }
        }
        switch (spec.format) {
            case CamNetModel.FORMAT:
                if (layer != null && !layer.equals("trunk")) {
                    throw new BadInputException("unknown layer '" + layer + "' for a heatbox-cam model; it has: trunk");
                }
                return CamNetModel.load(dir, spec, engine);
            case "mxnet-symbol":
                return MxSymbolModel.load(dir, spec, layer, output, spec.readLabels(dir));
            case PtSplitModel.FORMAT:
                return PtSplitModel.load(dir, spec, layer, spec.readLabels(dir));
            case OnnxModel.FORMAT:
                return OnnxModel.load(dir, spec, layer, spec.readLabels(dir));
            default:
                throw BadInputException.of(dir.resolve(ModelSpec.FILE), "unknown format '" + spec.format
                        + "' (known: heatbox-cam, mxnet-symbol, torchscript, onnx)");
        }
    }

    /**
     * The folder's whole model on ONNX Runtime ({@code files.onnx}, written by the export script's
     * --onnx) beside its own format, for black-box methods and speed comparisons; null when it has none.
     */
    public static SplitModel wholeOnnx(Path dir) {
        ModelSpec spec = ModelSpec.read(dir);
        if (spec.files == null || spec.files.get("onnx") == null || OnnxModel.FORMAT.equals(spec.format)) {
            return null;
        }
        return OnnxModel.load(dir, spec, null, spec.readLabels(dir));
    }
}
