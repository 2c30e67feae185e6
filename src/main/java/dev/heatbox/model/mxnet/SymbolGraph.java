package dev.heatbox.model.mxnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An MXNet symbol-JSON graph read with Jackson, and the one rewrite Grad-CAM needs: cut it at a
 * layer L into a trunk (input → L, plus any other tensor that crosses the cut) and a head whose
 * inputs are new variables standing for those tensors. Nodes that depend only on parameters (the
 * in-graph dequantization of uint8 weights: Cast, _minus_scalar, _mul_scalar) go wherever they
 * are used.
 */
public final class SymbolGraph {
    /** The name of the head's input variable that stands for the layer being explained. */
    public static final String FEATURES = "heatbox_features";
    private static final Set<String> SOFTMAX = Set.of("softmax", "SoftmaxOutput", "SoftmaxActivation", "log_softmax");

    private final List<JsonNode> nodes;
    private final Map<String, Integer> byName = new HashMap<>();
    private final BitSet dataDependent = new BitSet();
    private final Set<String> paramNames;
    private final int head;

    /** @param paramNames names of the arguments stored in the params file (everything else null-op is an input) */
    public SymbolGraph(JsonNode json, Set<String> paramNames) {
        this.paramNames = paramNames;
        this.nodes = new ArrayList<>();
        json.get("nodes").forEach(nodes::add);
        for (int i = 0; i < nodes.size(); i++) {
            byName.put(nodes.get(i).get("name").asText(), i);
            JsonNode n = nodes.get(i);
            if (isVariable(i)) {
                if (!paramNames.contains(name(i))) {
                    dataDependent.set(i);
                }
            } else {
                for (int in : inputs(i)) {
                    if (dataDependent.get(in)) {
                        dataDependent.set(i);
                    }
                }
            }
            if (n.get("inputs") == null) {
                throw new IllegalArgumentException("node " + name(i) + " has no inputs list");
            }
        }
        this.head = json.get("heads").get(0).get(0).asInt();
    }

    public String name(int i) {
        return nodes.get(i).get("name").asText();
    }

    public String op(int i) {
        return nodes.get(i).get("op").asText();
    }

    public int size() {
        return nodes.size();
    }

    public Integer index(String name) {
        return byName.get(name);
    }

    public boolean isVariable(int i) {
        return "null".equals(op(i));
    }

    /** Whether the node's value depends on the input image (not only on parameters). */
    public boolean dependsOnInput(int i) {
        return dataDependent.get(i);
    }

    /** The node's "attrs" object (empty when it has none). */
    public JsonNode attrs(int i) {
        JsonNode a = nodes.get(i).get("attrs");
        return a == null ? JsonNodeFactory.instance.objectNode() : a;
    }

    public List<Integer> inputs(int i) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode in : nodes.get(i).get("inputs")) {
            out.add(in.get(0).asInt());
        }
        return out;
    }

    /** The graph's output node. */
    public int head() {
        return head;
    }

    /** The pre-softmax node: the head itself, or its input when the head is a softmax. */
    public int preSoftmax() {
        int h = head;
        while (SOFTMAX.contains(op(h))) {
            h = inputs(h).get(0);
        }
        return h;
    }

    /** All nodes the given node needs, itself included. */
    public BitSet ancestors(int node) {
        BitSet seen = new BitSet();
        List<Integer> stack = new ArrayList<>(List.of(node));
        while (!stack.isEmpty()) {
            int n = stack.remove(stack.size() - 1);
            if (!seen.get(n)) {
                seen.set(n);
                stack.addAll(inputs(n));
            }
        }
        return seen;
    }

    /** A split at {@code layer}: the trunk's outputs in order (the layer first) and both graphs' JSON. */
    public record Split(String trunkJson, String headJson, List<String> trunkOutputs, List<String> headInputs) {}

    public Split split(int layer, int output) {
        return split(layer, output, List.of());
    }

    /** The name of the head's zero input whose gradient is a tapped layer's. */
    public static String probe(String layer) {
        return "heatbox_probe_" + layer;
    }

    /**
     * A split whose head also outputs the given later layers (after the score, in the order given)
     * and reads, for each, a zero input added to its output ({@link #probe}): the gradient reaching
     * that input is the layer's, so one recorded head pass gives every tapped layer's gradient.
     */
    public Split split(int layer, int output, List<Integer> taps) {
        if (!dependsOnInput(layer)) {
            throw new IllegalArgumentException(name(layer) + " does not depend on the input image");
        }
        BitSet upToLayer = ancestors(layer);
        BitSet needed = ancestors(output);
        if (!needed.get(layer)) {
            throw new IllegalArgumentException(name(output) + " does not use layer " + name(layer));
        }
        // head nodes: needed, and either after the layer or parameter-only
        BitSet headNodes = new BitSet();
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            if (!dependsOnInput(i) || !upToLayer.get(i)) {
                headNodes.set(i);
            }
        }
        // tensors computed in the trunk that the head reads: the layer, and any skip connection across the cut
        Set<Integer> cut = new LinkedHashSet<>();
        cut.add(layer);
        for (int i = headNodes.nextSetBit(0); i >= 0; i = headNodes.nextSetBit(i + 1)) {
            for (int in : inputs(i)) {
                if (!headNodes.get(in)) {
                    cut.add(in);
                }
            }
        }
        List<String> cutNames = new ArrayList<>();
        List<String> headInputs = new ArrayList<>();
        BitSet trunkNodes = new BitSet();
        for (int c : cut) {
            cutNames.add(name(c));
            headInputs.add(c == layer ? FEATURES : "heatbox_cut_" + name(c));
            trunkNodes.or(ancestors(c));
        }
        String trunk = write(trunkNodes, new ArrayList<>(cut), Map.of(), Map.of());
        Map<Integer, String> replaced = new HashMap<>();
        int k = 0;
        for (int c : cut) {
            replaced.put(c, headInputs.get(k++));
        }
        BitSet headAll = (BitSet) headNodes.clone();
        cut.forEach(headAll::set);
        Map<Integer, String> probes = new HashMap<>();
        List<Integer> outputs = new ArrayList<>(List.of(output));
        for (int t : taps) {
            if (!headNodes.get(t) || cut.contains(t) || t == output || !dependsOnInput(t)) {
                throw new IllegalArgumentException("layer " + name(t) + " is not between " + name(layer) + " and the output");
            }
            probes.put(t, probe(name(t)));
            outputs.add(t);
            headInputs.add(probe(name(t)));
        }
        String headJson = write(headAll, outputs, replaced, probes);
        return new Split(trunk, headJson, cutNames, headInputs);
    }

    /**
     * The sub-graph computing {@code end} from the given source nodes, which become input variables
     * named {@code heatbox_src_<name>}; returns the JSON and the sources it reads, in graph order.
     */
    public Split segment(int end, java.util.Set<Integer> sources) {
        BitSet keep = new BitSet();
        List<Integer> stack = new ArrayList<>(List.of(end));
        Set<Integer> used = new java.util.TreeSet<>();
        while (!stack.isEmpty()) {
            int n = stack.remove(stack.size() - 1);
            if (keep.get(n)) {
                continue;
            }
            keep.set(n);
            if (sources.contains(n) && n != end) {
                used.add(n);
                continue; // a source: its inputs are not needed
            }
            if (sources.contains(n)) {
                used.add(n);
                continue;
            }
            stack.addAll(inputs(n));
        }
        Map<Integer, String> replaced = new HashMap<>();
        List<String> names = new ArrayList<>();
        List<String> inputNames = new ArrayList<>();
        for (int u : used) {
            replaced.put(u, "heatbox_src_" + name(u));
            names.add(name(u));
            inputNames.add("heatbox_src_" + name(u));
        }
        return new Split(null, write(keep, List.of(end), replaced, Map.of()), names, inputNames);
    }

    /** The sub-graph that computes one parameter-only node (a dequantized weight, say). */
    public String constantJson(int node) {
        if (dependsOnInput(node)) {
            throw new IllegalArgumentException(name(node) + " depends on the input");
        }
        return write(ancestors(node), List.of(node), Map.of(), Map.of());
    }

    /**
     * A graph of the given nodes (in their original order), the replaced ones as new variables; each
     * probed node's first output reaches its consumers plus a new zero variable of that name.
     */
    private String write(BitSet keep, List<Integer> outputs, Map<Integer, String> replacedByVariable, Map<Integer, String> probes) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode out = f.arrayNode();
        ArrayNode argNodes = f.arrayNode();
        Map<Integer, Integer> newIndex = new HashMap<>();
        Map<Integer, Integer> probed = new HashMap<>(); // probed node → its "+ probe" node
        for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
            ObjectNode n;
            if (replacedByVariable.containsKey(i)) {
                n = f.objectNode();
                n.put("op", "null");
                n.put("name", replacedByVariable.get(i));
                n.set("inputs", f.arrayNode());
            } else {
                n = nodes.get(i).deepCopy();
                ArrayNode ins = f.arrayNode();
                for (JsonNode in : nodes.get(i).get("inputs")) {
                    ArrayNode e = f.arrayNode();
                    int src = in.get(0).asInt();
                    e.add(in.get(1).asInt() == 0 && probed.containsKey(src) ? probed.get(src) : newIndex.get(src));
                    e.add(in.get(1).asInt());
                    e.add(in.size() > 2 ? in.get(2).asInt() : 0);
                    ins.add(e);
                }
                n.set("inputs", ins);
            }
            newIndex.put(i, out.size());
            if ("null".equals(n.get("op").asText())) {
                argNodes.add(out.size());
            }
            out.add(n);
            if (probes.containsKey(i)) {
                ObjectNode probe = f.objectNode();
                probe.put("op", "null");
                probe.put("name", probes.get(i));
                probe.set("inputs", f.arrayNode());
                argNodes.add(out.size());
                out.add(probe);
                ObjectNode add = f.objectNode();
                add.put("op", "elemwise_add");
                add.put("name", probes.get(i) + "_add");
                ArrayNode ins = f.arrayNode();
                ins.add(f.arrayNode().add(newIndex.get(i)).add(0).add(0));
                ins.add(f.arrayNode().add(out.size() - 1).add(0).add(0));
                add.set("inputs", ins);
                probed.put(i, out.size());
                out.add(add);
            }
        }
        ObjectNode g = f.objectNode();
        g.set("nodes", out);
        g.set("arg_nodes", argNodes);
        ArrayNode rowPtr = f.arrayNode();
        for (int i = 0; i <= out.size(); i++) {
            rowPtr.add(i);
        }
        g.set("node_row_ptr", rowPtr);
        ArrayNode heads = f.arrayNode();
        for (int o : outputs) {
            ArrayNode h = f.arrayNode();
            h.add(newIndex.get(o));
            h.add(0);
            h.add(0);
            heads.add(h);
        }
        g.set("heads", heads);
        ObjectNode attrs = f.objectNode();
        ArrayNode version = f.arrayNode();
        version.add("int");
        version.add(10900);
        attrs.set("mxnet_version", version);
        g.set("attrs", attrs);
        return g.toString();
    }
}
