package dev.heatbox.model.mxnet;

import ai.djl.mxnet.engine.MxNDManager;
import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.mxnet.engine.Symbol;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.model.AbstractSplitModel;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An MXNet symbol export ("format": "mxnet-symbol") split at a layer by rewriting its symbol
 * JSON (see {@link SymbolGraph}): the trunk and the head are two MxSymbolBlocks sharing the
 * loaded parameters, so a gradient is taken through the head only.
 */
public final class MxSymbolModel extends AbstractSplitModel {
    private final NDManager manager;
    private final SymbolGraph graph;
    private final Map<String, NDArray> params;
    private final int output;
    private final String graphJson;
    private String layer;
    private OrderedBlock trunk;
    private OrderedBlock head;
    private List<String> headInputs;
    private final ParameterStore store;
    /** Extra trunk outputs (skip connections across the cut) of the last {@link #features} call. */
    private NDList lastCut;
    /** Later layers the head also outputs, with their shapes for one image, and their last values. */
    private List<String> taps = List.of();
    /** Per input size ("HxW"): each tapped layer's output shape for one image. */
    private final Map<String, List<Shape>> tapShapes = new HashMap<>();
    private Shape lastInput;
    private List<Tapped> lastTapped = List.of();

    private MxSymbolModel(ModelSpec spec, NDManager manager, SymbolGraph graph, Map<String, NDArray> params,
                          List<String> labels, int output, String graphJson) {
        super(spec, labels);
        this.graphJson = graphJson;
        this.manager = manager;
        this.graph = graph;
        this.params = params;
        this.output = output;
        this.store = new ParameterStore(manager, false);
    }

    public static MxSymbolModel load(Path dir, ModelSpec spec, String layerName, String outputName, List<String> labels) {
        Path specFile = dir.resolve(ModelSpec.FILE);
        Path symbolFile = ModelSpec.file(dir, spec.files == null ? null : spec.files.get("symbol"), "files.symbol");
        Path paramsFile = ModelSpec.file(dir, spec.files == null ? null : spec.files.get("params"), "files.params");
        NDManager manager = NDManager.newBaseManager();
        Map<String, NDArray> params = new HashMap<>();
        try {
            NDList list = manager.load(paramsFile);
            for (NDArray a : list) {
                String n = a.getName();
                params.put(n.contains(":") ? n.substring(n.indexOf(':') + 1) : n, a);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw BadInputException.of(paramsFile, "cannot read MXNet parameters: " + e.getMessage());
        }
        JsonNode json = Json.readTree(symbolFile);
        if (!json.has("nodes") || !json.has("heads")) {
            manager.close();
            throw BadInputException.of(symbolFile, "not an MXNet symbol JSON (no nodes/heads)");
        }
        SymbolGraph g = new SymbolGraph(json, params.keySet());
        int out;
        String outName = outputName != null ? outputName : spec.output;
        if (outName != null) {
            Integer o = g.index(outName);
            if (o == null) {
                manager.close();
                throw BadInputException.of(specFile, "output node '" + outName + "' is not in the graph");
            }
            out = o;
        } else {
            out = g.preSoftmax();
        }
        MxSymbolModel m = new MxSymbolModel(spec, manager, g, params, labels, out, json.toString());
        m.setLayer(layerName != null ? layerName : spec.layer);
        return m;
    }

    /** A model from an in-memory graph and parameters (tests build tiny graphs by hand). */
    static MxSymbolModel of(ModelSpec spec, NDManager manager, JsonNode json, Map<String, NDArray> params, List<String> labels,
                            String layer) {
        SymbolGraph g = new SymbolGraph(json, params.keySet());
        MxSymbolModel m = new MxSymbolModel(spec, manager, g, params, labels, g.preSoftmax(), json.toString());
        m.setLayer(layer);
        return m;
    }

    /** Cuts the graph at this layer (a node name); the previous blocks are dropped. */
    public void setLayer(String name) {
        cut(name, List.of());
    }

    @Override
    public void tap(List<String> layers) {
        if (!layers.equals(taps)) { // every ExplainEngine asks, most for none: re-split only when the taps change
            cut(layer, layers);
        }
    }

    private List<Shape> tapShapesFor(int height, int width) {
        if (taps.isEmpty()) {
            return List.of();
        }
        return tapShapes.computeIfAbsent(height + "x" + width, k -> {
            Map<String, Shape> shapes = outputShapes(height, width);
            return taps.stream().map(t -> shapes.get(t).slice(1)).toList();
        });
    }

    @Override
    public List<Tapped> tapped() {
        return lastTapped;
    }

    private void cut(String name, List<String> tapNames) {
        Integer idx = name == null ? null : graph.index(name);
        if (idx == null || !graph.dependsOnInput(idx)) {
            throw new BadInputException("unknown layer '" + name + "'; close names: " + closeNames(name));
        }
        List<Integer> tapIdx = new ArrayList<>();
        Map<String, Shape> shapes = tapNames.isEmpty() ? Map.of() : outputShapes();
        for (String t : tapNames) {
            Integer i = graph.index(t);
            if (i == null || !graph.dependsOnInput(i) || shapes.get(t) == null) {
                throw new BadInputException("unknown layer '" + t + "'; close names: " + closeNames(t));
            }
            tapIdx.add(i);
        }
        SymbolGraph.Split split;
        try {
            split = graph.split(idx, output, tapIdx);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("layers to fuse must come after " + name + " in the graph: " + e.getMessage());
        }
        taps = List.copyOf(tapNames);
        tapShapes.clear();
        if (!tapNames.isEmpty()) {
            tapShapes.put(spec.input.height + "x" + spec.input.width, tapNames.stream().map(t -> shapes.get(t).slice(1)).toList());
        }
        trunk = block(split.trunkJson(), List.of("data"));
        headInputs = split.headInputs();
        head = block(split.headJson(), headInputs);
        layer = name;
    }

    OrderedBlock block(String json, List<String> inputNames) {
        Symbol s = Symbol.loadJson((MxNDManager) manager, json);
        MxSymbolBlock b = new MxSymbolBlock(manager, s);
        Set<String> inputs = new HashSet<>(inputNames);
        List<String> mxnetOrder = new ArrayList<>();
        for (String arg : s.getArgNames()) {
            if (inputs.contains(arg)) {
                mxnetOrder.add(arg);
            }
        }
        for (Parameter p : b.getAllParameters()) {
            if (!inputs.contains(p.getName())) {
                NDArray a = params.get(p.getName());
                if (a == null) {
                    throw new BadInputException("parameter '" + p.getName() + "' is missing from the params file");
                }
                p.setArray(a);
            }
        }
        b.setInputNames(mxnetOrder);
        b.freezeParameters(true);
        return new OrderedBlock(b, inputNames, mxnetOrder);
    }

    /** Graph node names that can be explained: outputs that depend on the image, with their op. */
    public List<String[]> explainableLayers() {
        List<String[]> out = new ArrayList<>();
        java.util.BitSet needed = graph.ancestors(output); // once, not once per node
        for (int i = 0; i < graph.size(); i++) {
            if (!graph.isVariable(i) && graph.dependsOnInput(i) && needed.get(i) && i != output) {
                out.add(new String[] {graph.name(i), graph.op(i)});
            }
        }
        return out;
    }

    /** Output shape of every node for one input image, from MXNet's shape inference on the whole graph. */
    public Map<String, Shape> outputShapes() {
        return outputShapes(spec.input.height, spec.input.width);
    }

    /** The same for an input of another size (an enlarged TTA view). */
    public Map<String, Shape> outputShapes(int height, int width) {
        Map<String, Shape> out = new HashMap<>();
        try (Symbol s = Symbol.loadJson((MxNDManager) manager, graphJson); Symbol internals = s.getInternals()) {
            ai.djl.util.PairList<String, Shape> in = new ai.djl.util.PairList<>();
            in.add("data", new Shape(1, spec.input.channels(), height, width));
            for (Map.Entry<String, Shape> e : internals.inferShape(in).entrySet()) {
                out.put(e.getKey().replaceAll("_output$", ""), e.getValue());
            }
        } catch (RuntimeException e) {
            // shape inference is informative only: list the layers without shapes
        }
        return out;
    }

    public SymbolGraph graph() {
        return graph;
    }

    public int outputNode() {
        return output;
    }

    private String closeNames(String name) {
        return String.join(", ", LayerNames.closest(name, explainableLayers().stream().map(l -> l[0]).toList(), 5));
    }

    private RectifiedBackward rectified;

    @Override
    public NDArray rectifiedGradient(NDArray input, int[] targets, dev.heatbox.model.RectifierRule rule) {
        if (rectified == null) {
            rectified = new RectifiedBackward(graph, output, (json, inputs) -> block(json, inputs));
        }
        return rectified.gradient(input, targets, rule, store, this);
    }

    @Override
    public GradientCollector newGradientCollector() {
        return MxInference.collector(this);
    }

    @Override
    public List<Layer> layers() {
        Map<String, Shape> shapes = outputShapes();
        List<Layer> out = new ArrayList<>();
        for (String[] l : explainableLayers()) {
            Shape s = shapes.get(l[0]);
            out.add(new Layer(l[0], l[1], s == null ? null : s.slice(1)));
        }
        return out;
    }

    @Override
    public boolean sameInTrainingMode() {
        for (int i = 0; i < graph.size(); i++) {
            String op = graph.op(i);
            if (op.equals("BatchNorm") || op.equals("Dropout") || op.startsWith("_contrib_SyncBatchNorm")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String layer() {
        return layer;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public NDArray features(NDArray input) {
        lastInput = input.getShape();
        NDList out = trunk.forward(store, new NDList(input));
        lastCut = out.size() > 1 ? new NDList(out.subList(1, out.size())) : new NDList();
        // The skips take a gradient too, though nobody reads it: when only some of a symbol block's
        // inputs require one, MXNet (through DJL 0.36) hands A the wrong gradient (found by
        // CrossEngineTest against PyTorch and a finite difference; sign-flipped at l51 of MobileNetV2).
        for (NDArray skip : lastCut) {
            skip.setRequiresGradient(true);
        }
        return out.get(0);
    }

    @Override
    public NDArray scores(NDArray features) {
        NDList in = new NDList(features);
        in.addAll(lastCut);
        List<NDArray> probes = new ArrayList<>();
        long n = features.getShape().get(0);
        for (Shape s : tapShapesFor((int) lastInput.get(2), (int) lastInput.get(3))) {
            NDArray z = features.getManager().zeros(new Shape(n).addAll(s));
            z.setRequiresGradient(true); // every input takes a gradient: see features()
            probes.add(z);
        }
        in.addAll(probes);
        NDList out = head.forward(store, in);
        List<Tapped> t = new ArrayList<>();
        for (int k = 0; k < taps.size(); k++) {
            t.add(new Tapped(taps.get(k), out.get(k + 1), probes.get(k)));
        }
        lastTapped = t;
        return out.get(0);
    }

    /** The classifier weight node named in heatbox-model.json, evaluated (dequantized), as [classes, K]. */
    @Override
    public NDArray classifierWeight() {
        if (classifierWeight == null) {
            classifierWeight = computeClassifierWeight();
        }
        return classifierWeight;
    }

    private NDArray classifierWeight;

    private NDArray computeClassifierWeight() {
        if (spec.classifier == null || spec.classifier.get("weight") == null) {
            return null;
        }
        String node = spec.classifier.get("weight");
        Integer idx = graph.index(node);
        if (idx == null) {
            throw new BadInputException("classifier weight node '" + node + "' is not in the graph");
        }
        if (graph.dependsOnInput(idx)) {
            throw new BadInputException("classifier weight node '" + node + "' depends on the input");
        }
        NDArray w = constant(idx);
        long classes = w.getShape().get(0);
        return w.reshape(classes, -1);
    }

    /**
     * Evaluates a parameter-only node (a weight dequantized in the graph) by walking its chain of
     * element-wise scalar ops down to the stored parameter.
     */
    private NDArray constant(int node) {
        if (graph.isVariable(node)) {
            NDArray p = params.get(graph.name(node));
            if (p == null) {
                throw new BadInputException("parameter '" + graph.name(node) + "' is missing from the params file");
            }
            return p;
        }
        JsonNode attrs = graph.attrs(node);
        NDArray in = constant(graph.inputs(node).get(0));
        String op = graph.op(node);
        switch (op) {
            case "Cast":
            case "cast":
                return in.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            case "_minus_scalar":
                return in.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).sub(scalar(attrs));
            case "_plus_scalar":
                return in.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).add(scalar(attrs));
            case "_mul_scalar":
                return in.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mul(scalar(attrs));
            case "_div_scalar":
                return in.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).div(scalar(attrs));
            default:
                throw new BadInputException("classifier weight node '" + graph.name(node) + "': op " + op
                        + " is not supported in a weight's dequantization chain");
        }
    }

    private static float scalar(JsonNode attrs) {
        return Float.parseFloat(attrs.get("scalar").asText());
    }

    @Override
    public void close() {
        manager.close();
    }
}
