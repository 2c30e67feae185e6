package dev.heatbox.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** {@code heatbox-model.json}: what a model folder holds and how to feed it (ARCHITECTURE.md). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelSpec {
    public static final String FILE = "heatbox-model.json";

    public String name;
    /** "mxnet-symbol" or "heatbox-cam". */
    public String format;
    public Map<String, String> files;
    public CamArchitecture architecture;
    public InputSpec input;
    public String labels;
    public String output;
    public String layer;
    public Map<String, String> classifier;

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
