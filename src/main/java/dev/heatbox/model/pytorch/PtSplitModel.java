package dev.heatbox.model.pytorch;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.heatbox.model.AbstractSplitModel;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A TorchScript folder ("format": "torchscript", written by tools/export_torchscript.py) on DJL's
 * PyTorch engine: for each exported split point a traced trunk (input → A, plus any skip tensors
 * that cross the cut) and a traced head (A, skips → pre-softmax scores).
 *
 * <p>Both are loaded with trainable parameter tensors and always run in DJL's "training" call:
 * DJL otherwise runs TorchScript under {@code c10::InferenceMode}, whose outputs can never take a
 * gradient. Whether autograd records is then decided by PyTorch's grad mode alone, which DJL keeps
 * off except inside a gradient collector. The modules were traced in eval mode, so batch norm and
 * dropout are baked in as at prediction time whatever mode flag the module carries.
 *
 * <p>Where the folder also has the trunk as ONNX ({@code trunk_onnx}), ONNX Runtime runs it whenever
 * the input takes no gradient (every CAM method: the trunk is never recorded), and its output is copied
 * into PyTorch for the head; the TorchScript trunk is loaded only when a method asks for ∂/∂input.
 */
public final class PtSplitModel extends AbstractSplitModel {
    public static final String FORMAT = "torchscript";
    public static final String ENGINE = "PyTorch";

    private final Path dir;
    private final NDManager manager;
    private final ParameterStore store;
    private String layer;
    /** The TorchScript trunk, loaded when first needed where an ONNX trunk exists. */
    private Model trunk;
    /** The trunk on ONNX Runtime, or null. */
    private Model trunkOnnx;
    private Model head;
    /** Skip tensors of the last {@link #features} call, passed to the head after A. */
    private NDList lastSkips = new NDList();
    private NDArray classifierWeight;
    /** The later layers asked for ({@link #tap}), and what the last {@link #scores} call gave for them. */
    private List<String> taps = List.of();
    private List<Tapped> lastTapped = List.of();
    /** The input size of the last {@link #features} call: the probes take the taps' shapes at that size. */
    private long[] lastInput;

    private PtSplitModel(Path dir, ModelSpec spec, List<String> labels) {
        super(spec, labels);
        this.dir = dir;
        this.manager = NDManager.newBaseManager(ENGINE);
        this.store = new ParameterStore(manager, false);
    }

    public static PtSplitModel load(Path dir, ModelSpec spec, String layer, List<String> labels) {
        if (spec.splits == null || spec.splits.isEmpty()) {
            throw BadInputException.of(dir.resolve(ModelSpec.FILE), "field 'splits' is missing or empty for a torchscript model");
        }
        if (spec.classes != null && spec.classes != labels.size()) {
            throw BadInputException.of(dir.resolve(ModelSpec.FILE), labels.size() + " labels for " + spec.classes + " classes");
        }
        PtSplitModel m = new PtSplitModel(dir, spec, labels);
        try {
            m.setLayer(layer != null ? layer : spec.layer != null ? spec.layer : spec.splits.keySet().iterator().next());
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /** Switches to another exported split point. */
    public void setLayer(String name) {
        ModelSpec.Split s = spec.splits.get(name);
        if (s == null) {
            throw new BadInputException("unknown layer '" + name + "' for TorchScript model " + dir + "; exported: "
                    + String.join(", ", spec.splits.keySet()) + " (export more with tools/export_torchscript.py --layer)");
        }
        Model h = open(ModelSpec.file(dir, s.head, "splits." + name + ".head"), name + ".head");
        Model t = null;
        Model o = null;
        try {
            if (s.trunk_onnx != null) {
                o = openOnnx(ModelSpec.file(dir, s.trunk_onnx, "splits." + name + ".trunk_onnx"), name + ".trunk_onnx");
            } else {
                t = open(ModelSpec.file(dir, s.trunk, "splits." + name + ".trunk"), name + ".trunk");
            }
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        closeBlocks();
        trunk = t;
        trunkOnnx = o;
        head = h;
        layer = name;
        taps = List.of();
    }

    /**
     * The ONNX trunk in a session whose intra-op threads do not spin while idle (ONNX Runtime's default
     * is to spin, which DJL 0.36 cannot switch off): the PyTorch head and the image decoder run on the
     * same cores right after, and spinning threads took their time.
     */
    private static Model openOnnx(Path file, String name) {
        Model m = Model.newInstance(name, "OnnxRuntime");
        try {
            ai.onnxruntime.OrtSession.SessionOptions o = new ai.onnxruntime.OrtSession.SessionOptions();
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            ai.onnxruntime.OrtSession session = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(file.toString(), o);
            m.setBlock(new ai.djl.onnxruntime.engine.OrtSymbolBlock(session,
                    (ai.djl.onnxruntime.engine.OrtNDManager) m.getNDManager()));
        } catch (ai.onnxruntime.OrtException | RuntimeException e) {
            m.close();
            throw BadInputException.of(file, "cannot load the ONNX trunk: " + firstLine(e));
        }
        return m;
    }

    /** The TorchScript trunk, loaded on first use where the ONNX one is the default. */
    private Model torchTrunk() {
        if (trunk == null) {
            ModelSpec.Split s = spec.splits.get(layer);
            trunk = open(ModelSpec.file(dir, s.trunk, "splits." + layer + ".trunk"), layer + ".trunk");
        }
        return trunk;
    }

    private static Model open(Path file, String name) {
        Model m = Model.newInstance(name, ENGINE);
        try {
            m.load(file, null, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            throw BadInputException.of(file, "cannot load TorchScript: " + firstLine(e));
        }
        m.getBlock().freezeParameters(true); // no parameter gradients: only ∂/∂A and ∂/∂x are ever asked for
        return m;
    }

    private static String firstLine(Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return msg.lines().findFirst().orElse(msg);
    }

    @Override
    public NDArray features(NDArray input) {
        lastInput = input.getShape().getShape();
        NDList out;
        if (trunkOnnx != null && !input.hasGradient()) {
            // ONNX Runtime's outputs, copied into the input's (PyTorch) manager for the head
            NDList ort = trunkOnnx.getBlock().forward(store, new NDList(input), false);
            out = new NDList(ort.size());
            for (NDArray a : ort) {
                out.add(input.getManager().from(a));
            }
            ort.close();
        } else {
            out = torchTrunk().getBlock().forward(store, new NDList(input), true);
        }
        lastSkips = out.size() > 1 ? new NDList(out.subList(1, out.size())) : new NDList();
        return out.get(0);
    }

    @Override
    public NDArray scores(NDArray features) {
        NDList in = new NDList(features);
        in.addAll(lastSkips);
        ModelSpec.Split s = spec.splits.get(layer);
        if (s.taps == null || s.taps.isEmpty()) {
            lastTapped = List.of();
            return head.getBlock().forward(store, in, true).singletonOrThrow();
        }
        // every tap takes a probe; only the asked-for ones take a gradient, so autograd walks no further
        long n = features.getShape().get(0);
        List<NDArray> probes = new ArrayList<>();
        for (int k = 0; k < s.taps.size(); k++) {
            NDArray z = features.getManager().zeros(new Shape(n).addAll(tapShape(s, k)));
            if (taps.contains(s.taps.get(k))) {
                z.setRequiresGradient(true);
            }
            probes.add(z);
        }
        in.addAll(probes);
        NDList out = head.getBlock().forward(store, in, true);
        List<Tapped> t = new ArrayList<>();
        for (String name : taps) {
            int k = s.taps.indexOf(name);
            t.add(new Tapped(name, out.get(k + 1), probes.get(k)));
        }
        lastTapped = t;
        return out.get(0);
    }

    /**
     * Tap k's shape for one image at the last input's size: the exported [C, h, w] at the model's size,
     * its strides applied to this size (h' = ⌈H'/(H/h)⌉, as strided convolutions with "same" padding give).
     */
    private Shape tapShape(ModelSpec.Split s, int k) {
        long[] at = s.tap_shapes.get(k);
        long hIn = lastInput[2];
        long wIn = lastInput[3];
        if (hIn == spec.input.height && wIn == spec.input.width) {
            return new Shape(at);
        }
        double sy = (double) spec.input.height / at[1];
        double sx = (double) spec.input.width / at[2];
        return new Shape(at[0], (long) Math.ceil(hIn / sy), (long) Math.ceil(wIn / sx));
    }

    /**
     * Layer fusion on TorchScript: a head exported with taps (tools/export_torchscript.py) takes a zero
     * probe per later layer and returns their outputs, so one forward and one backward give them all.
     */
    @Override
    public void tap(List<String> layers) {
        if (layers.isEmpty()) {
            taps = List.of();
            return;
        }
        List<String> can = spec.splits.get(layer).taps;
        for (String l : layers) {
            if (can == null || !can.contains(l)) {
                throw new BadInputException("model " + spec.name + ": layer '" + l + "' cannot be tapped from the split at '"
                        + layer + "'" + (can == null || can.isEmpty() ? " (its head was exported without taps: re-export with"
                        + " tools/export_torchscript.py, taps are on by default)" : "; later layers it taps: "
                        + String.join(", ", can)));
            }
        }
        taps = List.copyOf(layers);
    }

    @Override
    public List<Tapped> tapped() {
        return lastTapped;
    }

    /** The GAP → linear classifier the exporter saved as .npy (for CAM), [classes, K]. */
    @Override
    public NDArray classifierWeight() {
        if (classifierWeight == null && spec.classifier != null && spec.classifier.get("weight") != null) {
            Npy.Array w = Npy.readFloat32(ModelSpec.file(dir, spec.classifier.get("weight"), "classifier.weight"));
            long[] shape = new long[w.shape().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = w.shape()[i];
            }
            classifierWeight = manager.create(w.data(), new Shape(shape));
        }
        return classifierWeight;
    }

    /**
     * The exported splits and the layers their heads can tap, in graph order: the split with the most
     * taps comes first (it is the earliest), then its taps, then any split not among them. A layer that
     * is only a tap can be fused with its split ({@code --fuse}); {@code --layer} takes splits.
     */
    @Override
    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String first = spec.splits.entrySet().stream()
                .max(java.util.Comparator.comparingInt(e -> e.getValue().taps == null ? 0 : e.getValue().taps.size()))
                .map(Map.Entry::getKey).orElseThrow();
        ModelSpec.Split f = spec.splits.get(first);
        out.add(new Layer(first, "split", f.shape == null ? null : new Shape(f.shape)));
        seen.add(first);
        for (int k = 0; f.taps != null && k < f.taps.size(); k++) {
            String name = f.taps.get(k);
            if (seen.add(name)) {
                out.add(new Layer(name, spec.splits.containsKey(name) ? "split" : "tap", new Shape(f.tap_shapes.get(k))));
            }
        }
        for (Map.Entry<String, ModelSpec.Split> e : spec.splits.entrySet()) {
            if (seen.add(e.getKey())) {
                long[] shape = e.getValue().shape;
                out.add(new Layer(e.getKey(), "split", shape == null ? null : new Shape(shape)));
            }
        }
        return out;
    }

    /** Traced in eval mode: the recorded pass computes what prediction computes. */
    @Override
    public boolean sameInTrainingMode() {
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

    private void closeBlocks() {
        if (trunk != null) {
            trunk.close();
        }
        if (trunkOnnx != null) {
            trunkOnnx.close();
        }
        if (head != null) {
            head.close();
        }
    }

    @Override
    public void close() {
        closeBlocks();
        manager.close();
    }
}
