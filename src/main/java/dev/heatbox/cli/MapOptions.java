package dev.heatbox.cli;

import dev.heatbox.explain.Normalization;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How maps are made before boxes are cut from them (a @Mixin of explain and label): {@code --norm}, {@code --tta}. */
public final class MapOptions {
    @Option(names = "--norm", defaultValue = "minmax", paramLabel = "minmax|ivr:P", description = {
        "map normalization (default ${DEFAULT-VALUE}); ivr:P subtracts the map's P-quantile (a fraction, e.g. ivr:0.4),",
        "clips at 0 and divides by the max, so a background floor does not reach the box threshold"})
    String norm;

    @Option(names = "--tta", defaultValue = "none", paramLabel = "none|flip", description = {
        "test-time augmentation (default ${DEFAULT-VALUE}); flip: the map of the mirrored image, mirrored back and averaged",
        "with the map of the image (same target class; twice the cost)"})
    String tta;

    boolean flip(CommandLine.Model.CommandSpec spec) {
        if (!tta.equals("none") && !tta.equals("flip")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tta: none or flip");
        }
        return tta.equals("flip");
    }

    Normalization normalization(CommandLine.Model.CommandSpec spec) {
        try {
            return Normalization.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--norm: " + e.getMessage());
        }
    }
}
