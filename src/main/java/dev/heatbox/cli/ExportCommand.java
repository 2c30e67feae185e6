package dev.heatbox.cli;

import dev.heatbox.export.LabelRun;
import dev.heatbox.export.ToolLayouts;
import dev.heatbox.review.ReviewStore;
import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a finished label run in other formats, without running the model again: reads",
            "FROM/run.json (what `heatbox label` saved) and writes the same files label would have written."})
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, description = "a heatbox label output folder")
    Path from;

    @Option(names = "--to", required = true, split = ",", description = {"formats: coco, voc, yolo, labelstudio,",
        "cvat-coco, cvat-voc, cvat-yolo, ultralytics, fiftyone"})
    List<String> formats;

    @Option(names = "--out", description = "where to write (default: the --from folder; with --reviewed, FROM/reviewed)")
    Path out;

    @Option(names = "--reviewed", description = {"write the boxes as `heatbox review` left them (FROM/reviewed/annotations.json):",
        "rejected boxes gone, edited and added ones in; boxes a person accepted, edited or added score 1.0"})
    boolean reviewed;

    @Option(names = "--accepted-only", description = "with --reviewed: only the images a person accepted")
    boolean acceptedOnly;

    @Option(names = "--ls-image-root", paramLabel = "URL", description = {"Label Studio: data.image = URL + the file name",
        "(e.g. /data/local-files/?d=photos/ for a server serving local files); default: the image's path"})
    String lsImageRoot;

    @Override
    public Integer call() throws IOException {
        for (String f : formats) {
            if (!LabelRun.known(f)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown --to '" + f + "' (known: "
                        + String.join(", ", LabelRun.FORMATS) + ", " + String.join(", ", ToolLayouts.FORMATS) + ")");
            }
        }
        if (acceptedOnly && !reviewed) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--accepted-only needs --reviewed");
        }
        LabelRun run;
        if (reviewed) {
            if (!Files.isRegularFile(from.resolve(ReviewStore.FILE))) {
                throw BadInputException.of(from.resolve(ReviewStore.FILE), "no review yet: run `heatbox review " + from + "` first");
            }
            ReviewStore store = ReviewStore.open(from);
            run = store.reviewedRun(acceptedOnly);
            System.err.println(store.doneCount() + " of " + store.items().size() + " images accepted in the review"
                    + (acceptedOnly ? "; writing those" : "; writing all (the others with their boxes as they stand)"));
        } else {
            run = LabelRun.read(from);
        }
        Path dest = out != null ? out : reviewed ? from.resolve("reviewed") : from;
        LabelCommand.checkWritable(dest);
        run.write(dest, formats, lsImageRoot, System.err);
        System.out.println("wrote " + String.join(", ", formats) + " for " + run.images().size() + " images into " + dest);
        return 0;
    }
}
