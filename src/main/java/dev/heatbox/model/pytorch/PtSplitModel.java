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
 */
public final class PtSplitModel extends AbstractSplitModel {
    public static final String FORMAT = "torchscript";
    public static final String ENGINE = "PyTorch";

    private final Path dir;
    private final NDManager manager;
    private final ParameterStore store;
    private String layer;
    private Model trunk;
    private Model head;
    /** Skip tensors of the last {@link #features} call, passed to the head after A. */
    private NDList lastSkips = new NDList();
    private NDArray classifierWeight;

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
        Model t = open(ModelSpec.file(dir, s.trunk, "splits." + name + ".trunk"), name + ".trunk");
        Model h;
        try {
            h = open(ModelSpec.file(dir, s.head, "splits." + name + ".head"), name + ".head");
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        closeBlocks();
        trunk = t;
        head = h;
        layer = name;
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
        NDList out = trunk.getBlock().forward(store, new NDList(input), true);
        lastSkips = out.size() > 1 ? new NDList(out.subList(1, out.size())) : new NDList();
        return out.get(0);
    }

    @Override
    public NDArray scores(NDArray features) {
        NDList in = new NDList(features);
        in.addAll(lastSkips);
        return head.getBlock().forward(store, in, true).singletonOrThrow();
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

    @Override
    public List<Layer> layers() {
        List<Layer> out = new ArrayList<>();
        for (Map.Entry<String, ModelSpec.Split> e : spec.splits.entrySet()) {
            long[] shape = e.getValue().shape;
            out.add(new Layer(e.getKey(), "split", shape == null ? null : new Shape(shape)));
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
