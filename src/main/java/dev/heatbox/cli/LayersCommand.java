package dev.heatbox.cli;

import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "layers", mixinStandardHelpOptions = true,
        description = {"List the layers that can be explained (graph nodes computed from the image, before the",
            "output; for a TorchScript folder, the exported split points), with their output shapes for",
            "one image; the default layer is marked with *."})
public final class LayersCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Override
    public Integer call() {
        try (SplitModel m = Models.load(model, null, null)) {
            for (SplitModel.Layer l : m.layers()) {
                String mark = l.name().equals(m.layer()) ? "*" : " ";
                System.out.printf("%s %-36s %-14s %s%n", mark, l.name(), l.kind(), l.shape() == null ? "" : l.shape());
            }
        }
        return 0;
    }
}
