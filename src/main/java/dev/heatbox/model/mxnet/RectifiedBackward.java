package dev.heatbox.model.mxnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.model.RectifierRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * A backward pass with a chosen rule at every rectifier of a symbol graph (relu, Activation relu,
 * clip with a_min 0). The graph is cut at the rectifiers: each segment computes one rectifier's
 * input (or the output) from the data and the rectifier outputs it reads. Forward: segment by
 * segment in graph order. Backward: from the output down, each segment differentiated by autograd
 * on its own, and the rule applied between segments — what one ordinary backward cannot do, since
 * guided backprop is not linear in the incoming gradient.
 */
final class RectifiedBackward {
    private record Rectifier(int node, int input, float max) {}

    private record Segment(int end, OrderedBlock block, List<Integer> sources) {}

    private final SymbolGraph graph;
    private final int dataNode;
    private final List<Rectifier> rectifiers = new ArrayList<>();
    private final Map<Integer, Segment> segments = new HashMap<>();
    private final int output;

    RectifiedBackward(SymbolGraph graph, int output, BiFunction<String, List<String>, OrderedBlock> blockOf) {
        this.graph = graph;
        this.output = output;
        Integer data = graph.index("data");
        if (data == null) {
            throw new IllegalArgumentException("the graph has no 'data' input");
        }
        this.dataNode = data;
        java.util.BitSet needed = graph.ancestors(output);
        Set<Integer> sources = new TreeSet<>();
        sources.add(dataNode);
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            float max = rectifierMax(i);
            if (!Float.isNaN(max) && graph.dependsOnInput(i)) {
                rectifiers.add(new Rectifier(i, graph.inputs(i).get(0), max));
                sources.add(i);
            }
        }
        List<Integer> ends = new ArrayList<>();
        ends.add(output);
        rectifiers.forEach(r -> ends.add(r.input()));
        for (int end : ends) {
            if (sources.contains(end)) {
                continue; // a rectifier fed directly by a source: the identity
            }
            SymbolGraph.Split s = graph.segment(end, sources);
            List<Integer> src = new ArrayList<>();
            s.trunkOutputs().forEach(n -> src.add(graph.index(n)));
            segments.put(end, new Segment(end, blockOf.apply(s.headJson(), s.headInputs()), src));
        }
    }

    /** NaN when the node is no rectifier; else its upper clip (+∞ for ReLU). */
    private float rectifierMax(int i) {
        String op = graph.op(i);
        JsonNode a = graph.attrs(i);
        if (op.equals("relu") || op.equals("Activation") && "relu".equals(a.path("act_type").asText())) {
            return Float.POSITIVE_INFINITY;
        }
        if (op.equals("clip") && Float.parseFloat(a.path("a_min").asText("nan")) == 0f) {
            return Float.parseFloat(a.path("a_max").asText());
        }
        return Float.NaN;
    }

    NDArray gradient(NDArray x, int[] targets, RectifierRule rule, ParameterStore store, dev.heatbox.model.SplitModel model) {
        NDManager m = x.getManager();
        Map<Integer, NDArray> value = new HashMap<>();
        value.put(dataNode, x);
        for (Rectifier r : rectifiers) { // graph order = topological order
            NDArray in = valueOf(r.input(), value, store);
            value.put(r.input(), in);
            value.put(r.node(), Float.isInfinite(r.max()) ? in.maximum(0f) : in.clip(0f, r.max()));
        }
        NDArray out = valueOf(output, value, store);
        Map<Integer, NDArray> grad = new HashMap<>();
        grad.put(output, m.create(targets).oneHot((int) out.getShape().get(1)).toType(out.getDataType(), false));
        backThrough(output, value, grad, store, model);
        for (int k = rectifiers.size() - 1; k >= 0; k--) {
            Rectifier r = rectifiers.get(k);
            NDArray gOut = grad.get(r.node());
            if (gOut == null) {
                continue; // this rectifier does not reach the output
            }
            NDArray gIn = rule.apply(gOut, value.get(r.input()), r.max());
            if (segments.containsKey(r.input())) {
                grad.put(r.input(), grad.containsKey(r.input()) ? grad.get(r.input()).add(gIn) : gIn);
                backThrough(r.input(), value, grad, store, model);
            } else {
                accumulate(grad, r.input(), gIn);
            }
        }
        NDArray g = grad.get(dataNode);
        return g != null ? g : x.zerosLike();
    }

    private NDArray valueOf(int node, Map<Integer, NDArray> value, ParameterStore store) {
        NDArray v = value.get(node);
        if (v != null) {
            return v;
        }
        Segment s = segments.get(node);
        NDList in = new NDList();
        s.sources().forEach(src -> in.add(value.get(src)));
        v = s.block().forward(store, in).singletonOrThrow();
        value.put(node, v);
        return v;
    }

    /** Differentiates one segment at its end's accumulated gradient and adds the results to its sources. */
    private void backThrough(int end, Map<Integer, NDArray> value, Map<Integer, NDArray> grad, ParameterStore store,
                             dev.heatbox.model.SplitModel model) {
        Segment s = segments.get(end);
        NDList in = new NDList();
        for (int src : s.sources()) {
            NDArray v = value.get(src).duplicate();
            v.setRequiresGradient(true);
            in.add(v);
        }
        try (GradientCollector gc = MxInference.collector(model)) {
            NDArray o = s.block().forward(store, in).singletonOrThrow();
            gc.backward(o.mul(grad.get(end)).sum());
        }
        for (int k = 0; k < s.sources().size(); k++) {
            accumulate(grad, s.sources().get(k), in.get(k).getGradient());
        }
    }

    private static void accumulate(Map<Integer, NDArray> grad, int node, NDArray g) {
        NDArray prev = grad.get(node);
        grad.put(node, prev == null ? g.duplicate() : prev.add(g));
    }
}
