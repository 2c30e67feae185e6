package dev.heatbox.cli;

import dev.heatbox.data.DatasetFolder;
import dev.heatbox.model.CamTrainer;
import dev.heatbox.model.TrainConfig;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the CAM network (conv trunk -> global average pooling -> linear) on DIR/train,",
            "reporting accuracy on DIR/val. Writes a model folder (heatbox-model.json, cam-0000.params,",
            "labels.txt) that every command accepts as --model."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, description = "folder with train/ and val/ dataset folders")
    Path data;

    @Option(names = "--out", required = true, description = "model folder to write")
    Path out;

    @Option(names = "--config", description = "training config (default: configs/train-cam-digits.json)")
    Path config;

    @Option(names = "--epochs", description = "override the config's epochs")
    Integer epochs;

    @Option(names = "--seed", description = "override the config's seed")
    Long seed;

    @Mixin
    EngineOption engine = new EngineOption();

    @Override
    public Integer call() throws IOException {
        TrainConfig c = TrainConfig.read(config == null ? Shipped.path("configs/train-cam-digits.json") : config);
        if (epochs != null) {
            c.training.epochs = epochs;
        }
        if (seed != null) {
            c.training.seed = seed;
        }
        CamTrainer.Result r = train(c, data, out, engine.forTraining());
        System.out.printf("trained in %.1f s: train acc %.3f, val acc %.3f; model in %s%n",
                r.seconds(), r.trainAccuracy(), r.valAccuracy(), out);
        return 0;
    }

    /** Loads DIR/train and DIR/val, trains, and moves the finished model folder into place. */
    static CamTrainer.Result train(TrainConfig c, Path data, Path out, String engine) throws IOException {
        if (!Files.isDirectory(data)) {
            throw BadInputException.of(data, "data folder not found");
        }
        DatasetFolder.Loaded train = DatasetFolder.read(data.resolve("train"));
        DatasetFolder.Loaded val = Files.isDirectory(data.resolve("val")) ? DatasetFolder.read(data.resolve("val")) : null;
        List<String> classes = CamTrainer.classNames(train);
        System.out.printf("loading %d training images%n", train.items().size());
        CamTrainer.Tensors tt = CamTrainer.load(train, c.input);
        CamTrainer.Tensors vt = val == null ? null : CamTrainer.load(val, c.input);
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
        try {
            CamTrainer.Result r = new CamTrainer(c, System.out, engine).train(tt, vt, classes, tmp);
            AtomicFiles.readableByAll(tmp, true);
            replaceDir(tmp, abs);
            return r;
        } finally {
            deleteTree(tmp);
        }
    }

    /** Puts a finished folder in place; an old model folder there is replaced, anything else refused. */
    static void replaceDir(Path finished, Path target) throws IOException {
        if (Files.exists(target)) {
            boolean empty;
            try (Stream<Path> s = Files.list(target)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(target.resolve("heatbox-model.json"))) {
                throw BadInputException.of(target, "exists and is not a Heatbox model folder; not overwriting it");
            }
            deleteTree(target);
        }
        AtomicFiles.move(finished, target);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
