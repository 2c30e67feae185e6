package dev.heatbox.model.onnx;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.heatbox.model.AbstractSplitModel;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model ("format": "onnx") on ONNX Runtime: input → pre-softmax scores, forward only. The
 * "split" is at the input (A is the image itself), so only the black-box methods (occlusion, RISE,
 * LIME) apply; ExplainEngine refuses the rest. Scores are copied into the caller's engine, so the
 * explainers' NDArray arithmetic never runs on ONNX Runtime's arrays.
 */
public final class OnnxModel extends AbstractSplitModel {
    public static final String FORMAT = "onnx";
    public static final String LAYER = "input";

    private final Model model;
    private final String inputName;
    private final NDManager manager;
    private final ParameterStore store;

    private OnnxModel(ModelSpec spec, List<String> labels, Model model) {
        super(spec, labels);
        this.model = model;
        this.inputName = model.getBlock().describeInput().get(0).getKey();
        this.manager = NDManager.newBaseManager();
        this.store = new ParameterStore(manager, false);
    }

    public static OnnxModel load(Path dir, ModelSpec spec, String layer, List<String> labels) {
        if (layer != null && !layer.equals(LAYER)) {
            throw new BadInputException("unknown layer '" + layer + "' for ONNX model " + dir + "; it has: " + LAYER
                    + " (black-box methods only; export TorchScript for layer methods)");
        }
        Path file = ModelSpec.file(dir, spec.files == null ? null : spec.files.get("onnx"), "files.onnx");
        if (spec.classes != null && spec.classes != labels.size()) {
            throw BadInputException.of(dir.resolve(ModelSpec.FILE), labels.size() + " labels for " + spec.classes + " classes");
        }
        Model m = Model.newInstance(spec.name == null ? "onnx" : spec.name, "OnnxRuntime");
        try {
            m.load(file);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw BadInputException.of(file, "cannot load ONNX model: " + msg);
        }
        return new OnnxModel(spec, labels, m);
    }

    @Override
    public NDArray features(NDArray input) {
        return input;
    }

    @Override
    public NDArray scores(NDArray features) {
        features.setName(inputName);
        NDArray out = model.getBlock().forward(store, new NDList(features), false).get(0);
        NDArray copy = features.getManager().create(out.toFloatArray(), out.getShape());
        out.close();
        return copy;
    }

    @Override
    public String engineName() {
        return "OnnxRuntime";
    }

    @Override
    public boolean hasGradients() {
        return false;
    }

    @Override
    public GradientCollector newGradientCollector() {
        throw new BadInputException("model " + spec.name + " is ONNX (forward only): no gradients");
    }

    @Override
    public NDArray classifierWeight() {
        return null;
    }

    @Override
    public List<Layer> layers() {
        InputSpec in = spec.input;
        return List.of(new Layer(LAYER, "input", new Shape(in.channels(), in.height, in.width)));
    }

    @Override
    public String layer() {
        return LAYER;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }
}
