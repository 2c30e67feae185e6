package dev.heatbox.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code heatbox-model.json}: what a model folder holds and how to feed it (ARCHITECTURE.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
    public static final String FILE = "heatbox-model.json";

    public String name;
    /** "mxnet-symbol", "heatbox-cam", "torchscript" or "onnx". */
    public String format;
    public Map<String, String> files;
    public CamArchitecture architecture;
    public InputSpec input;
    public String labels;
    public String output;
    public String layer;
    public Map<String, String> classifier;
    /** torchscript: the exported split points, by layer name (tools/export_torchscript.py writes them). */
    public Map<String, Split> splits;
    /** torchscript, onnx: the number of classes the model scores. */
    public Integer classes;
    /** heatbox-cam: the engine the network was trained on ("MXNet" or "PyTorch"); loads on either. */
    public String engine;

    /** One split point of a TorchScript folder: trunk (input → A) and head (A and any skip tensors → scores). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Split {
        public String trunk;
        /**
         * The same trunk as ONNX (export_torchscript.py writes it by default): run by ONNX Runtime when
         * no gradient is asked of the input, 2-4x faster than the TorchScript trunk on CPU.
         */
        public String trunk_onnx;
        public String head;
        /** A's shape for one image, [K, h, w]. */
        public long[] shape;
        /** Tensors besides A that cross the cut (skip connections): extra trunk outputs and head inputs. */
        public int skips;
        /**
         * The later layers the head can tap, in graph order: after A and the skips it takes one zero
         * "probe" per layer, added to that layer's output, and returns the scores and those outputs.
         */
        public List<String> taps;
        /** Each tap's output shape for one image at the input size, [C, h, w]. */
        public List<long[]> tap_shapes;
        /**
         * "NHWC" where the model's own layer is channel-last (Swin): provenance only, since the exported
         * trunk and head permute, and A is always [K, h, w] here.
         */
        public String layout;
    }

    /** The labels file, one class name a line (trailing blank lines dropped). */
    public List<String> readLabels(Path dir) {
        Path f = file(dir, labels, "labels");
        try {
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(f)) {
                lines.add(l.strip());
            }
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            return lines;
        } catch (IOException e) {
            throw BadInputException.of(f, "cannot read labels: " + e.getMessage());
        }
    }

    /** A file named by the spec, refused when it points outside the model folder or is missing. */
    public static Path file(Path dir, String name, String what) {
        Path specFile = dir.resolve(FILE);
        if (name == null) {
            throw BadInputException.of(specFile, "field '" + what + "' is missing");
        }
        Path p = dir.resolve(name).normalize();
        if (!p.startsWith(dir.normalize())) {
            throw BadInputException.of(specFile, what + " '" + name + "' points outside the model folder");
        }
        if (!Files.isRegularFile(p)) {
            throw BadInputException.of(p, "missing (" + what + " in " + FILE + ")");
        }
        return p;
    }

    public static ModelSpec read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw BadInputException.of(dir, "model folder not found");
        }
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw BadInputException.of(f, "missing; a model folder needs a " + FILE);
        }
        ModelSpec s = Json.read(f, ModelSpec.class);
        if (s.format == null) {
            throw BadInputException.of(f, "field 'format' is missing");
        }
        if (s.input == null) {
            throw BadInputException.of(f, "field 'input' is missing");
        }
        s.input.validate(f);
        return s;
    }
}
