package dev.heatbox.cli;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import dev.heatbox.data.ImageSources;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Methods;
import dev.heatbox.export.LabelRun;
import dev.heatbox.export.ToolLayouts;
import dev.heatbox.job.LabelJob;
import dev.heatbox.job.LabelOutput;
import dev.heatbox.job.Skipped;
import dev.heatbox.data.ImageLabels;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.ReviewPage;
import dev.heatbox.review.ReviewMaps;
import dev.heatbox.tune.Recipe;
import dev.heatbox.util.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "label", mixinStandardHelpOptions = true,
        description = {"Auto-label a folder of images with a classifier: a heatmap per target class, boxes from it,",
            "exported for labelling tools. Box score = class probability x mean heat inside the box.",
            "Writes OUT/coco/annotations.json (ground-truth style, CVAT imports it) and OUT/coco/results.json",
            "(pycocotools loadRes), OUT/voc/<stem>.xml (with <score>), OUT/yolo/<stem>.txt + classes.txt,",
            "OUT/labelstudio/tasks.json, OUT/report.html (overview), OUT/maps/<id>.png (heatmaps for heatbox review). COCO image ids: with --gt, the ground",
            "truth's id of the image with the same file name (others are skipped); else 1, 2, ... in byte order",
            "of the paths. Unreadable images are skipped and listed in OUT/skipped.txt (exit code 4)."})
public final class LabelCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Mixin
    MapOptions mapOptions = new MapOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, description = "an image, a folder of images, or a text file listing images")
    Path images;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--method", defaultValue = "gradcam", description = "explanation method (default ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--layer", description = "layer to explain (default: the model's)")
    String layer;

    @Option(names = "--threshold", defaultValue = "0.2", description = "box threshold as a fraction of the map's max (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--boxes", defaultValue = "largest", paramLabel = "RULE", description = {"largest or all components, or",
        "instances[:DIP[:MIN_AREA]]: one box per object, a region per peak standing DIP x max above where it meets a",
        "higher one, regions of at least MIN_AREA of the map (default instances: 0.2, 0.01) (default ${DEFAULT-VALUE})"})
    String boxes;

    @Option(names = "--labels", paramLabel = "SPEC", description = {"image-level labels: each image is boxed for the categories",
        "it is labelled with instead of the model's top classes. FILE.csv (lines file_name,category), FILE.json",
        "({\"file_name\": [\"category\", ...]}), coco:FILE.json (the categories in each image of a COCO file) or",
        "folders (--images DIR holds a subfolder per category). Categories: --classes categories, else model labels or indexes"})
    String labels;

    @Option(names = "--unlabelled", defaultValue = "skip", paramLabel = "skip|top", description = {"with --labels, an image",
        "without labels: no boxes (skip) or the model's --target classes (top) (default ${DEFAULT-VALUE})"})
    String unlabelled;

    @Option(names = "--target", defaultValue = "top1", description = "top1 or topK: label the K best classes (default ${DEFAULT-VALUE})")
    String target;

    @Option(names = "--nms", paramLabel = "IOU", defaultValue = "-1", description = {"drop a box overlapping a better-scoring",
        "box of its category by more than this IoU (e.g. 0.5 with --boxes all; default: keep all)"})
    double nms;

    @Option(names = "--refine", defaultValue = "none", paramLabel = "none|grabcut", description = {"tighten each box to the",
        "object's edges with OpenCV's GrabCut seeded from the map (default ${DEFAULT-VALUE})"})
    String refine;

    @Option(names = "--min-score", defaultValue = "0", description = "drop boxes scoring below this (default ${DEFAULT-VALUE})")
    double minScore;

    @Option(names = "--classes", description = "MAP.json: dataset category -> model classes (indexes or label names)")
    Path classes;

    @Option(names = "--gt", description = "COCO ground truth whose image and category ids the output reuses")
    Path gt;

    @Option(names = "--format", split = ",", defaultValue = "coco,voc,yolo,labelstudio", description = {"formats to write (default ${DEFAULT-VALUE}); also the layouts tools import as they are:",
        "cvat-coco, cvat-voc, cvat-yolo (zips for CVAT), ultralytics (also FiftyOne's YOLOv5Dataset), fiftyone (COCODetectionDataset)"})
    List<String> formats;

    @Option(names = "--ls-image-root", paramLabel = "URL", description = {"Label Studio: data.image = URL + the file name",
        "(e.g. /data/local-files/?d=photos/ for a server serving local files); default: the image's path"})
    String lsImageRoot;

    @Option(names = "--batch", defaultValue = "16", description = "images per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--resume", description = "continue an interrupted run from OUT/.label-journal.jsonl; the output is the same"
            + " as an uninterrupted run's")
    boolean resume;

    @Option(names = "--spark", paramLabel = "MASTER", description = {"run on Apache Spark: local[N], spark://HOST:PORT, yarn, ...",
        "(`submitted`: the master spark-submit gives); the output is the same as without it"})
    String spark;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "a Spark setting (repeatable), e.g. spark.executor.cores=4")
    Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(names = "--partition-batches", defaultValue = "4", description = "with --spark: batches per partition (default ${DEFAULT-VALUE})")
    int partitionBatches;

    @Option(names = "--no-maps", description = "keep no OUT/maps/<id>.png (heatbox review then shows no heatmaps)")
    boolean noMaps;

    static final String JOURNAL = ".label-journal.jsonl";

    @Override
    public Integer call() throws IOException {
        if (!target.matches("top\\d+") || Integer.parseInt(target.substring(3)) < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--target must be top1, top2, ...");
        }
        applyRecipe(mapOptions.applyRecipe(spec, model, true, System.err));
        try {
            BoxRule.parse(boxes);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--boxes: " + e.getMessage());
        }
        if (!unlabelled.equals("skip") && !unlabelled.equals("top")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--unlabelled: skip or top");
        }
        for (String f : formats) {
            if (!LabelRun.known(f)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown --format '" + f + "' (known: coco, voc,"
                        + " yolo, labelstudio, " + String.join(", ", ToolLayouts.FORMATS) + ")");
            }
        }
        mapOptions.fusion(spec);
        mapOptions.normalization(spec); // a bad --norm or --tta is a usage error before any work
        mapOptions.tta(spec);
        if (!refine.equals("none") && !refine.equals("grabcut")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--refine: none or grabcut");
        }
        if (nms > 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--nms is an IoU in [0, 1]");
        }
        checkWritable(out);
        List<Path> files = labels != null && labels.equals(ImageLabels.FOLDERS) ? ImageSources.listCategoryFolders(images)
                : ImageSources.list(images);
        ImageLabels given = null;
        if (labels != null) {
            try {
                given = ImageLabels.read(labels, images, files);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            given.problems().forEach(p -> System.err.println("heatbox: warning: " + p));
            System.err.println("labels: " + given.byFile().size() + " of " + files.size() + " images labelled (" + labels
                    + "); images without labels: " + (unlabelled.equals("skip") ? "no boxes (--unlabelled skip)"
                    : "the model's " + target + " classes (--unlabelled top)"));
        }
        Coco.Dataset truth = gt == null ? null : CocoReader.readDataset(gt);
        if (spark != null) {
            return LabelOnSpark.run(this, files, truth, options(given), settings(files, given));
        }
        long t0 = System.nanoTime();
        try (SplitModel m = Models.load(model, layer, null)) {
            ClassMap map = classes == null ? null : ClassMap.read(classes, m.labels());
            LabelJob.Options o = options(given);
            if (!noMaps) {
                o.maps = (image, e) -> ReviewMaps.write(out, image, e); // `heatbox review` shows them on demand
            }
            Path journalFile = out.resolve(JOURNAL);
            String settings = settings(files, given);
            Map<String, dev.heatbox.export.LabeledImage> done = Map.of();
            if (resume && Files.exists(journalFile)) {
                done = dev.heatbox.job.Journal.read(journalFile, settings);
                System.err.println("resuming: " + done.size() + " images already labelled");
            }
            LabelJob.Result r;
            try (dev.heatbox.job.Journal journal = done.isEmpty() ? dev.heatbox.job.Journal.start(journalFile, settings)
                    : dev.heatbox.job.Journal.reopen(journalFile)) {
                r = new LabelJob(m, new ExplainEngine(m, Methods.create(method, batch), mapOptions.normalization(spec), mapOptions.tta(spec),
                        mapOptions.fusion(spec)), o, System.err)
                        .run(files, map, truth, ReviewPage.MAX_ITEMS, done, journal);
            }
            LabelOutput.write(out, r, formats, lsImageRoot, m.input().height, m.input().width, System.err);
            Files.deleteIfExists(journalFile); // every output is in place
            LabelOutput.summary(System.out, out, r, (System.nanoTime() - t0) / 1e9);
            return r.skipped().isEmpty() ? 0 : Skipped.EXIT;
        }
    }

    /** The recipe's choices where the command line made none (norm, tta and fusion: MapOptions.applyRecipe). */
    private void applyRecipe(Recipe r) {
        method = MapOptions.pick(spec, r, method, Recipe::method, "--method");
        layer = MapOptions.pick(spec, r, layer, Recipe::layer, "--layer", "--method");
        threshold = MapOptions.pick(spec, r, threshold, Recipe::threshold, "--threshold");
        boxes = MapOptions.pick(spec, r, boxes, Recipe::boxes, "--boxes");
        refine = MapOptions.pick(spec, r, refine, Recipe::refine, "--refine");
        nms = MapOptions.pick(spec, r, nms, Recipe::nms, "--nms");
    }

    private LabelJob.Options options(ImageLabels given) {
        LabelJob.Options o = new LabelJob.Options();
        o.threshold = threshold;
        o.boxes = BoxRule.parse(boxes);
        o.labels = given;
        o.unlabelled = unlabelled.equals("top") ? LabelJob.Unlabelled.TOP : LabelJob.Unlabelled.SKIP;
        o.topK = Integer.parseInt(target.substring(3));
        o.minScore = minScore;
        o.batch = batch;
        o.nms = nms;
        o.grabCut = refine.equals("grabcut");
        return o;
    }

    /** Everything that changes the output; a journal from other settings cannot be resumed. */
    private String settings(List<Path> files, ImageLabels given) {
        String labelled = given == null ? "" : "|labels " + given.source() + " " + unlabelled + " "
                + Integer.toHexString(given.byFile().hashCode());
        return String.join("|", model.toAbsolutePath().normalize().toString(), method, mapOptions.norm, mapOptions.tta, String.valueOf(layer),
                String.valueOf(mapOptions.fuse),
                String.valueOf(threshold), boxes, target, String.valueOf(minScore), String.valueOf(nms), refine,
                classes == null ? "" : classes.toAbsolutePath().normalize().toString(),
                gt == null ? "" : gt.toAbsolutePath().normalize().toString(),
                Integer.toHexString(files.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList().hashCode()))
                + labelled;
    }

    static void checkWritable(Path out) {
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw BadInputException.of(out, "output folder is not writable");
        }
    }
}
