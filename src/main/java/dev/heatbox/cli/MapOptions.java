package dev.heatbox.cli;

import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.Tta;
import dev.heatbox.tune.Recipe;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * How maps are made before boxes are cut from them (a @Mixin of explain, label and audit): {@code --norm},
 * {@code --tta}, {@code --fuse}, and {@code --recipe}, which sets them (and the command's method, layer,
 * threshold) from {@code heatbox tune}'s choice.
 */
public final class MapOptions {
    @Option(names = "--norm", defaultValue = "minmax", paramLabel = "minmax|ivr:P", description = {
        "map normalization (default ${DEFAULT-VALUE}); ivr:P subtracts the map's P-quantile (a fraction, e.g. ivr:0.4),",
        "clips at 0 and divides by the max, so a background floor does not reach the box threshold"})
    String norm;

    @Option(names = "--tta", defaultValue = "none", paramLabel = "none|flip|xS|flip+xS…", description = {
        "test-time augmentation (default ${DEFAULT-VALUE}): maps of other views of the image (same target class) brought",
        "back and averaged with its own; flip: mirrored (twice the cost); xS: enlarged S times, e.g. x1.5 (CAM family;",
        "1 + S² the cost); joined by +, e.g. flip+x1.5 (four views)"})
    String tta;

    @Option(names = "--fuse", paramLabel = "max|mean:LAYER,…", description = {
        "layer fusion: these later layers' maps, each scaled to [0, 1], combined with --layer's by max or mean; one forward",
        "and one backward for all (MXNet symbol models), e.g. --layer l11_depthwise_conv_2d_relu6 --fuse mean:l47_conv_2d"})
    String fuse;

    @Option(names = "--recipe", paramLabel = "FILE|none", description = {
        "recipe.json from heatbox tune: its method, layer, fusion, norm, tta and box threshold, where the command line",
        "gives none (label: the model folder's recipe.json when there is one; none: the model's plain defaults)"})
    String recipe;

    /** The model folder's own recipe, which label uses unless told otherwise. */
    static final String MODEL_RECIPE = "recipe.json";

    Fusion fusion(CommandLine.Model.CommandSpec spec) {
        try {
            return fuse == null || fuse.isBlank() ? null : Fusion.parse(fuse);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--fuse: " + e.getMessage());
        }
    }

    /**
     * The recipe in force: --recipe FILE, else (when {@code modelDefault}) the model folder's recipe.json,
     * else none. Its norm, tta and fusion fill what the command line left out (a fusion only when neither
     * --layer nor --method was given: its layers belong to the recipe's); the command applies the rest.
     */
    Recipe applyRecipe(CommandLine.Model.CommandSpec spec, Path modelDir, boolean modelDefault, PrintStream log) {
        Path file;
        if ("none".equals(recipe)) {
            return null;
        } else if (recipe != null) {
            file = Path.of(recipe);
        } else if (modelDefault && Files.isRegularFile(modelDir.resolve(MODEL_RECIPE))) {
            file = modelDir.resolve(MODEL_RECIPE);
        } else {
            return null;
        }
        Recipe r = Recipe.read(file);
        norm = pick(spec, r, norm, Recipe::norm, "--norm");
        tta = pick(spec, r, tta, Recipe::tta, "--tta");
        fuse = pick(spec, r, fuse, Recipe::fuse, "--fuse", "--layer", "--method");
        if (recipe == null) {
            log.println("recipe: " + file + " (" + r.method() + (r.layer() == null ? "" : " at " + r.layer())
                    + (r.fuse() == null ? "" : " + " + r.fuse()) + ", " + r.norm() + "); --recipe none for the model's plain defaults");
        }
        return r;
    }

    /**
     * The recipe's value where the command line gave none of {@code options} (and the recipe has one),
     * else {@code current}. A recipe's layer and fusion were tuned for its method: they go with
     * {@code "--layer", "--method"}.
     */
    static <T> T pick(CommandLine.Model.CommandSpec spec, Recipe r, T current, Function<Recipe, T> value, String... options) {
        if (r == null || value.apply(r) == null) {
            return current;
        }
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (String o : options) {
            if (given.hasMatchedOption(o)) {
                return current;
            }
        }
        return value.apply(r);
    }

    Tta tta(CommandLine.Model.CommandSpec spec) {
        try {
            return Tta.parse(tta);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tta: " + e.getMessage());
        }
    }

    Normalization normalization(CommandLine.Model.CommandSpec spec) {
        try {
            return Normalization.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--norm: " + e.getMessage());
        }
    }
}
