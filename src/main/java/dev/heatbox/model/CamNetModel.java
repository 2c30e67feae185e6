package dev.heatbox.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.heatbox.model.mxnet.MxInference;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Heatbox-trained CAM network ("format": "heatbox-cam"), split between trunk and head. */
public final class CamNetModel extends AbstractSplitModel {
    public static final String FORMAT = "heatbox-cam";
    public static final String PREFIX = "cam";

    private final Model model;
    private final Block trunk;
    private final Block head;
    private final ParameterStore params;

    private CamNetModel(ModelSpec spec, Model model, List<String> labels) {
        super(spec, labels);
        this.model = model;
        List<Block> children = new ArrayList<>(model.getBlock().getChildren().values());
        this.trunk = children.get(0);
        this.head = children.get(1);
        this.params = new ParameterStore(model.getNDManager(), false);
    }

    /** Wraps a block being trained (no copy). */
    public static CamNetModel of(ModelSpec spec, Model model, List<String> labels) {
        return new CamNetModel(spec, model, labels);
    }

    public static CamNetModel load(Path dir, ModelSpec spec) {
        return load(dir, spec, null);
    }

    /**
     * @param engine "mxnet" or "pytorch", or null for the engine it was trained on: DJL's parameter
     *               file is the same on both, so a network trained on one runs on the other
     */
    public static CamNetModel load(Path dir, ModelSpec spec, String engine) {
        if (spec.architecture == null) {
            throw BadInputException.of(dir.resolve(ModelSpec.FILE), "field 'architecture' is missing for a heatbox-cam model");
        }
        Path paramsFile = ModelSpec.file(dir, spec.files == null ? null : spec.files.get("params"), "files.params");
        List<String> labels = spec.readLabels(dir);
        SequentialBlock block = spec.architecture.build();
        String engineName = engine != null ? Engines.name(engine) : spec.engine != null ? spec.engine : Engines.MXNET;
        Model model = Model.newInstance(spec.name == null ? PREFIX : spec.name, engineName);
        model.setBlock(block);
        try {
            String fileName = paramsFile.getFileName().toString();
            String prefix = fileName.replaceAll("-\\d{4}\\.params$", "");
            String epoch = fileName.replaceAll("^.*-(\\d{4})\\.params$", "$1");
            model.load(dir, prefix, Map.of("epoch", Integer.parseInt(epoch)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw BadInputException.of(paramsFile, "cannot load parameters: " + oneLine(e));
        }
        return new CamNetModel(spec, model, labels);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }

    public Model djlModel() {
        return model;
    }

    @Override
    public String layer() {
        return "trunk";
    }

    @Override
    public NDManager manager() {
        return model.getNDManager();
    }

    @Override
    public NDArray features(NDArray input) {
        return trunk.forward(params, new NDList(input), false).singletonOrThrow();
    }

    @Override
    public NDArray scores(NDArray features) {
        return head.forward(params, new NDList(features), false).singletonOrThrow();
    }

    @Override
    public boolean sameInTrainingMode() {
        return !spec.architecture.batchNorm;
    }

    @Override
    public GradientCollector newGradientCollector() {
        return MxInference.collector(this);
    }

    @Override
    public List<Layer> layers() {
        try (NDManager sub = manager().newSubManager()) {
            InputSpec in = spec.input;
            Shape a = features(sub.zeros(new Shape(1, in.channels(), in.height, in.width))).getShape();
            return List.of(new Layer("trunk", "trunk", a.slice(1)));
        }
    }

    @Override
    public NDArray classifierWeight() {
        return headWeight(head);
    }

    /** The linear layer's weight of a network built by {@link CamArchitecture#build()}. */
    static NDArray classifierWeight(Block net) {
        return headWeight(new ArrayList<>(net.getChildren().values()).get(1));
    }

    /** The head is GAP → flatten → linear; null when its third block is not a linear layer. */
    private static NDArray headWeight(Block head) {
        Block linear = new ArrayList<>(head.getChildren().values()).get(2);
        return linear instanceof Linear ? linear.getParameters().get("weight").getArray() : null;
    }

    /** Full forward (trunk then head), for tests and evaluation. */
    public NDArray forward(NDArray input) {
        return scores(features(input));
    }

    /** Initializes an untrained network's parameters for the given input. */
    public static void initialize(Block block, NDManager manager, InputSpec in) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height, in.width));
    }

    @Override
    public void close() {
        model.close();
    }

    /** Saves parameters as {@code cam-0000.params}, the spec and labels into {@code dir}. */
    public static void save(Model model, ModelSpec spec, List<String> labels, Path dir) throws IOException {
        Files.createDirectories(dir);
        model.setProperty("Epoch", "0");
        model.save(dir, PREFIX);
        spec.format = FORMAT;
        spec.files = Map.of("params", PREFIX + "-0000.params");
        spec.labels = "labels.txt";
        Files.writeString(dir.resolve("labels.txt"), String.join("\n", labels) + "\n");
        Json.write(dir.resolve(ModelSpec.FILE), spec);
    }
}
