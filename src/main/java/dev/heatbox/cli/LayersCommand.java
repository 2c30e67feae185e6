package dev.heatbox.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.model.mxnet.MxSymbolModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "layers", mixinStandardHelpOptions = true,
        description = {"List the graph nodes that can be explained (those computed from the image, before the",
            "output), with their output shapes for one image; the default layer is marked with *."})
public final class LayersCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Override
    public Integer call() {
        try (SplitModel m = Models.load(model, null, null)) {
            if (!(m instanceof MxSymbolModel mx)) {
                try (var sub = m.manager().newSubManager()) {
                    NDArray a = m.features(sub.zeros(new Shape(1, m.input().channels(), m.input().height, m.input().width)));
                    System.out.println("* trunk  " + a.getShape());
                }
                return 0;
            }
            Map<String, Shape> shapes = mx.outputShapes();
            for (String[] l : mx.explainableLayers()) {
                String mark = l[0].equals(m.layer()) ? "*" : " ";
                System.out.printf("%s %-36s %-14s %s%n", mark, l[0], l[1], shapes.getOrDefault(l[0], null));
            }
        }
        return 0;
    }
}
