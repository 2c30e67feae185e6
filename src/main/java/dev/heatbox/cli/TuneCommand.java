package dev.heatbox.cli;

import dev.heatbox.data.DatasetFolder;
import dev.heatbox.explain.Normalization;
import dev.heatbox.explain.Tta;
import dev.heatbox.tune.Recipe;
import dev.heatbox.tune.BoxRuleSearch;
import dev.heatbox.tune.RecipeSearch;
import dev.heatbox.tune.TuneReport;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "tune", mixinStandardHelpOptions = true,
        description = {"Pick how to make boxes from a model on a few labelled images, GT-known (each image explained for",
            "its first labelled category). Per method and augmentation one pass (every layer tapped from one forward and",
            "backward per batch) scores every layer x normalization; then fusions of the best distinct layers (max and",
            "mean); then the baseline (the first method at the model's layer), the best single layer and the best --timed",
            "rows run again as the recipe would, timed. Writes OUT/tune.md (MaxBoxAccV2, GT-known Loc@0.5 at the best",
            "threshold, paired-bootstrap intervals against the baseline, seconds per image, cost), OUT/tune.json and",
            "OUT/recipe.json (the best timed row costing at most --max-cost times the baseline), which --recipe takes;",
            "copy it into the model folder and label uses it by default. Figures are on the tuning images: check a recipe",
            "on images it was not tuned on."})
public final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Option(names = "--data", required = true, description = "dataset folder: images/ + instances.json (COCO boxes)")
    Path data;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--classes", description = "MAP.json: dataset category -> model classes (default: equal names)")
    Path classes;

    @Option(names = "--methods", split = ",", defaultValue = "gradcam,gradcam++,xgradcam,layercam",
            description = "methods to try, the first as the baseline (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--layers", split = ",", defaultValue = "default",
            description = "layers to try: names, `default` (the model's), or `all` (every explainable layer) (default ${DEFAULT-VALUE})")
    List<String> layers;

    @Option(names = "--norms", split = ",", defaultValue = "minmax,ivr:0.4,ivr:0.6", description = "normalizations (default ${DEFAULT-VALUE})")
    List<String> norms;

    @Option(names = "--tta", split = ",", defaultValue = "none,flip", description = "augmentations: none, flip, xS, flip+xS… (default ${DEFAULT-VALUE})")
    List<String> ttas;

    @Option(names = "--fuse-up-to", defaultValue = "3",
            description = "fuse the best 2…N distinct layers, by max and by mean (default ${DEFAULT-VALUE}; 1: no fusion)")
    int fuseUpTo;

    @Option(names = "--timed", defaultValue = "8",
            description = "how many of the best rows run again as the recipe would, timed (default ${DEFAULT-VALUE})")
    int timed;

    @Option(names = "--max-cost", defaultValue = "3", description = "the recipe costs at most this many times the first row (default ${DEFAULT-VALUE})")
    double maxCost;

    @Option(names = "--batch", defaultValue = "16", description = "images per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--recipe", paramLabel = "R", description = {"skip the map search: take this recipe's maps and choose only",
        "its box rule and threshold by COCO AP50"})
    Path recipe;

    @Override
    public Integer call() {
        for (String t : ttas) {
            try {
                Tta.parse(t);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tta: " + e.getMessage());
            }
        }
        for (String n : norms) {
            try {
                Normalization.parse(n);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--norms: " + e.getMessage());
            }
        }
        LabelCommand.checkWritable(out);
        DatasetFolder.Loaded d = DatasetFolder.read(data);
        List<RecipeSearch.Row> rows = List.of();
        Recipe pick;
        if (recipe != null) {
            pick = Recipe.read(recipe);
        } else {
            rows = new RecipeSearch(model, d, classes, batch, System.out).run(methods, layers, norms, ttas, fuseUpTo, timed);
            pick = RecipeSearch.pick(rows, maxCost);
        }
        // the box rule and τ by the label job's own metric, on every labelled category of every image
        BoxRuleSearch.Result boxes = BoxRuleSearch.run(model, d, classes, pick, batch, System.out);
        List<BoxRuleSearch.Row> boxRows = boxes.rows();
        BoxRuleSearch.Row best = boxes.chosen();
        pick = pick.withBoxes(best.boxes(), best.threshold(), best.ap50());
        pick.write(out.resolve("recipe.json"));
        if (!rows.isEmpty()) {
            Json.write(out.resolve("tune.json"), rows);
        }
        Json.write(out.resolve("box-rules.json"), boxRows);
        AtomicFiles.writeString(out.resolve("tune.md"), (rows.isEmpty() ? "" : TuneReport.markdown(rows, pick))
                + TuneReport.boxRules(boxes, pick));
        System.out.printf(Locale.ROOT, "recipe: %s at %s%s, %s, tta %s, boxes %s at threshold %.2f: COCO AP50 %.3f%s -> %s%n",
                pick.method(), pick.layer(), pick.fuse() == null ? "" : " fused " + pick.fuse(), pick.norm(), pick.tta(), pick.boxes(),
                pick.threshold(), pick.ap50(), pick.maxBoxAccV2() == null ? "" : String.format(Locale.ROOT,
                        ", MaxBoxAccV2 %.3f, %.1fx the first row's time", pick.maxBoxAccV2(), pick.costVsGradCam()),
                out.resolve("recipe.json"));
        return 0;
    }
}
