package dev.heatbox.cli;

import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.DigitSynth;
import dev.heatbox.explain.Cam;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Normalization;
import dev.heatbox.job.LocalizeJob;
import dev.heatbox.model.CamNetModel;
import dev.heatbox.model.ModelSpec;
import dev.heatbox.model.TrainConfig;
import dev.heatbox.score.LocalizationAccuracy;
import dev.heatbox.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole pipeline on shipped material, offline, on CPU:",
            "synthesize cluttered digits (data/), train the CAM network (model/), explain the test split",
            "with CAM (heatmaps/), turn maps into boxes and export them (labels/coco, labels/voc), score",
            "them (metrics.json: GT-known Loc and Top-1 Loc at IoU 0.5) and draw overlays (overlays/)."})
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    EngineOption engine = new EngineOption();

    @Option(names = "--out", defaultValue = "out/demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--count", defaultValue = "10000", description = "images to synthesize over train/val/test (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--epochs", description = "override the training config's epochs")
    Integer epochs;

    @Option(names = "--seed", defaultValue = "1", description = "seed for data and training (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--config", description = "training config (default: configs/train-cam-digits.json)")
    Path config;

    @Option(names = "--model", description = "use this trained CAM model folder instead of training one")
    Path trainedModel;

    @Option(names = "--background", defaultValue = "mixed", description = {"digits on black, on grey-noise (a grey level",
        "with sensor noise under every image) or mixed (half each: the network then works on both) (default ${DEFAULT-VALUE})"})
    String background;

    @Option(names = "--norm", defaultValue = "minmax", paramLabel = "minmax|ivr:P",
            description = "CAM map normalization before the box threshold (default ${DEFAULT-VALUE})")
    String norm;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        Path data = out.resolve("data");
        Path modelDir = out.resolve("model");
        System.out.printf("[1/4] synthesizing %d cluttered digits into %s%n", count, data);
        if (!DigitSynth.BACKGROUNDS.contains(background)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--background is one of "
                    + String.join(", ", DigitSynth.BACKGROUNDS));
        }
        Normalization normalization;
        try {
            normalization = Normalization.parse(norm);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--norm: " + e.getMessage());
        }
        DigitSynth.Options o = new DigitSynth.Options();
        o.count = count;
        o.seed = seed;
        o.background = background;
        SynthCommand.generate(Shipped.path("datasets/mnist-10k"), o, data);
        Map<String, Object> stages = new LinkedHashMap<>();
        long tStage = System.nanoTime();
        stages.put("synth", (tStage - t0) / 1e9);

        double trainAccuracy = Double.NaN;
        if (trainedModel == null) {
            System.out.println("[2/4] training the CAM network");
            TrainConfig c = TrainConfig.read(config == null ? Shipped.path("configs/train-cam-digits.json") : config);
            if (epochs != null) {
                c.training.epochs = epochs;
            }
            c.training.seed = seed;
            trainAccuracy = TrainCommand.train(c, data, modelDir, engine.forTraining()).trainAccuracy();
        } else {
            System.out.println("[2/4] using the trained model in " + trainedModel);
            modelDir = trainedModel;
        }
        stages.put("train", (System.nanoTime() - tStage) / 1e9);
        tStage = System.nanoTime();

        System.out.println("[3/4] CAM heatmaps, boxes and exports for the test split");
        DatasetFolder.Loaded test = DatasetFolder.read(data.resolve("test"));
        LocalizeJob.Summary s;
        try (CamNetModel model = CamNetModel.load(modelDir, ModelSpec.read(modelDir), engine.engine)) {
            s = new LocalizeJob(model, new ExplainEngine(model, new Cam(), normalization, false), new LocalizeJob.Options(), System.out)
                    .run(test, out);
        }
        stages.put("cam_boxes_exports_overlays", (System.nanoTime() - tStage) / 1e9);
        tStage = System.nanoTime();

        System.out.println("[4/4] scoring");
        LocalizationAccuracy.Result r = s.localization();
        Map<String, Object> wsol = new LinkedHashMap<>();
        wsol.put("iou_mean", r.iouMean());
        wsol.put("gt_known_loc", r.gtKnownLoc());
        wsol.put("top1_loc", r.top1Loc());
        Map<String, Object> cls = new LinkedHashMap<>();
        cls.put("top1_accuracy", r.top1Accuracy());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("wsol", wsol);
        metrics.put("classification", cls);
        metrics.put("images", r.images());
        metrics.put("method", "cam");
        metrics.put("threshold", 0.2);
        metrics.put("norm", norm);
        metrics.put("background", background);
        stages.put("score", (System.nanoTime() - tStage) / 1e9);
        metrics.put("stage_seconds", stages);
        Json.write(out.resolve("metrics.json"), metrics);

        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.println();
        System.out.println("  metric                 value");
        System.out.printf(Locale.ROOT, "  train accuracy         %.3f%n", trainAccuracy);
        System.out.printf(Locale.ROOT, "  test top-1 accuracy    %.3f%n", r.top1Accuracy());
        System.out.printf(Locale.ROOT, "  GT-known Loc@0.5       %.3f%n", r.gtKnownLoc());
        System.out.printf(Locale.ROOT, "  Top-1 Loc@0.5          %.3f%n", r.top1Loc());
        System.out.printf(Locale.ROOT, "  mean IoU               %.3f%n", r.iouMean());
        System.out.println();
        StringBuilder split = new StringBuilder();
        stages.forEach((k, v) -> split.append(String.format(Locale.ROOT, "%s %.0f s, ", k, (Double) v)));
        System.out.printf(Locale.ROOT, "done in %.0f s (%s): %d test images, %d boxes. Files in %s:%n", secs,
                split.substring(0, split.length() - 2), s.images(), s.boxes(), out);
        System.out.println("  data/ model/ heatmaps/ labels/coco labels/voc overlays/ metrics.json");
        return 0;
    }
}
