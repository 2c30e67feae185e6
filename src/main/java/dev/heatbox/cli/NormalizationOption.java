package dev.heatbox.cli;

import dev.heatbox.explain.Normalization;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --norm}: how maps are normalized before boxes are cut (explain, label). */
public final class NormalizationOption {
    @Option(names = "--norm", defaultValue = "minmax", paramLabel = "minmax|ivr:P", description = {
        "map normalization (default ${DEFAULT-VALUE}); ivr:P subtracts the map's P-quantile (a fraction, e.g. ivr:0.4),",
        "clips at 0 and divides by the max, so a background floor does not reach the box threshold"})
    String norm;

    Normalization normalization(CommandLine.Model.CommandSpec spec) {
        try {
            return Normalization.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--norm: " + e.getMessage());
        }
    }
}
