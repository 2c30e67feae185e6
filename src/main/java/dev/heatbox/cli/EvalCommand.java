package dev.heatbox.cli;

import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import dev.heatbox.data.VocFolder;
import dev.heatbox.data.VocXml;
import dev.heatbox.data.WsolList;
import dev.heatbox.report.CurvePlot;
import dev.heatbox.score.Evaluation;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score predicted boxes (and heatmaps) against ground truth, with the reference evaluators' rules:",
            "COCO box AP/AR (pycocotools' 12 numbers), VOC AP per class (py-faster-rcnn voc_eval: IoU > 0.5,",
            "all-point and VOC2007 11-point), and with --heatmaps the WSOL metrics of wsolevaluation",
            "(MaxBoxAcc, MaxBoxAccV2, GT-known and Top-1 Loc, PxAP with --masks).",
            "GT: a COCO JSON file, a folder of VOC XML, or a WSOL box list (.txt/.csv lines",
            "<image path>,x0,y0,x1,y1, paths inside the list's folder). PRED: a COCO results list, a COCO JSON file",
            "(annotations with score), or a folder of VOC XML (optional <score>, default 1); COCO input is read",
            "field for field as pycocotools reads it, and what pycocotools refuses is refused (exit 3);",
            "VOC folders are matched to the ground truth by image file name.",
            "Writes OUT/metrics.json and, with --heatmaps, OUT/boxacc.png (BoxAcc vs threshold)."})
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--gt", required = true, description = "ground truth: COCO JSON file or VOC XML folder")
    Path gt;

    @Option(names = "--pred", description = "predictions: COCO results list, COCO JSON, or VOC XML folder")
    Path pred;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--heatmaps", description = "heatmap folder (index.json + .npy) for the WSOL metrics")
    Path heatmaps;

    @Option(names = "--masks", description = "folder of <image-stem>.png object masks (+ optional <stem>_ignore.png) for PxAP")
    Path masks;

    @Option(names = "--voc-iou-ge", description = "VOC match at IoU >= threshold (MATLAB devkit) instead of > (voc_eval)")
    boolean vocIouGe;

    @Option(names = "--iou", defaultValue = "0.5", description = "VOC IoU threshold (default ${DEFAULT-VALUE})")
    double iou;

    @Option(names = "--assume-score", description = "score results without a score as 1.0 (with a warning) instead of"
            + " refusing the file, as pycocotools refuses it")
    boolean assumeScore;

    @Option(names = "--cam-step", defaultValue = "0.01", description = "WSOL threshold grid step: 0.01 or 0.001 (default ${DEFAULT-VALUE})")
    double camStep;

    @Override
    public Integer call() {
        if (pred == null && heatmaps == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give --pred, --heatmaps or both");
        }
        Evaluation.Options o = new Evaluation.Options();
        o.vocIou = iou;
        o.vocIouGe = vocIouGe;
        o.camStep = camStep;
        o.assumeScore = assumeScore;
        Evaluation ev = new Evaluation(o);
        Coco.Dataset truth;
        if (Files.isDirectory(gt)) {
            truth = VocFolder.toCoco(VocFolder.read(gt));
        } else if (gt.toString().endsWith(".txt") || gt.toString().endsWith(".csv")) {
            truth = WsolList.read(gt, null);
        } else {
            // read as pycocotools reads it: what it accepts is evaluated as it evaluates it, with a warning
            truth = CocoReader.readAsPycocotools(gt);
            if (truth.problems.contains(CocoReader.NO_CATEGORIES)) {
                throw BadInputException.of(gt, "no 'categories' list: pycocotools cannot evaluate without one (COCO() and"
                        + " loadRes read it), and neither does Heatbox");
            }
            for (String p : truth.problems) {
                ev.warnings().add(gt + ": " + p + " (evaluated as pycocotools does: see docs/ARCHITECTURE.md)");
            }
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        if (pred != null) {
            List<Coco.Result> results = Files.isDirectory(pred) ? vocResults(truth, pred) : CocoReader.readResults(pred);
            if (results.isEmpty() && !Files.isDirectory(pred)) {
                throw BadInputException.of(pred, "an empty results list: pycocotools' loadRes fails on it (IndexError),"
                        + " so there are no reference numbers to give; no detections score 0");
            }
            ev.checkResults(truth, results, gt, pred);
            metrics.put("coco", ev.coco(truth, results));
            metrics.put("voc", ev.voc(truth, results));
        }
        if (heatmaps != null) {
            Map<String, Object> w = ev.wsol(truth, heatmaps, masks);
            if (!w.isEmpty()) {
                metrics.put("wsol", w);
                List<CurvePlot.Series> s = new ArrayList<>();
                String[] names = {"IoU 0.3", "IoU 0.5", "IoU 0.7"};
                for (int d = 0; d < 3; d++) {
                    s.add(new CurvePlot.Series(names[d], ev.boxAccTaus(), ev.boxAccCurves()[d]));
                }
                CurvePlot.write(out.resolve("boxacc.png"), "BoxAcc vs CAM threshold (all contours)", "threshold",
                        "BoxAcc", s);
            }
        }
        for (String warning : ev.warnings()) {
            spec.commandLine().getErr().println("heatbox: warning: " + warning);
        }
        spec.commandLine().getErr().flush();
        Json.write(out.resolve("metrics.json"), metrics);
        print(metrics);
        System.out.println("metrics in " + out.resolve("metrics.json"));
        return 0;
    }

    /** Predictions from VOC XML, matched to ground-truth images by file name. */
    static List<Coco.Result> vocResults(Coco.Dataset truth, Path dir) {
        Map<String, Long> imageId = new HashMap<>();
        truth.images.stream().filter(i -> i.file_name != null)
                .forEach(i -> imageId.put(Path.of(i.file_name).getFileName().toString(), i.id));
        Map<String, Long> catId = new HashMap<>();
        truth.categories.stream().filter(c -> c.name != null).forEach(c -> catId.putIfAbsent(c.name, c.id));
        List<Coco.Result> out = new ArrayList<>();
        for (VocFolder.Entry e : VocFolder.read(dir)) {
            Long id = imageId.get(e.imageName());
            if (id == null) {
                throw BadInputException.of(e.file(), "image '" + e.imageName() + "' is not in the ground truth");
            }
            for (VocXml.VocObject o : e.annotation().objects()) {
                Long c = catId.get(o.name());
                out.add(new Coco.Result(id, c == null ? -1 : c, o.pixelBox().toCoco(), o.score() == null ? 1.0 : o.score()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static void print(Map<String, Object> metrics) {
        for (Map.Entry<String, Object> section : metrics.entrySet()) {
            System.out.println(section.getKey());
            for (Map.Entry<String, Object> e : ((Map<String, Object>) section.getValue()).entrySet()) {
                if (e.getValue() instanceof Number n) {
                    System.out.printf(Locale.ROOT, "  %-16s %8.4f%n", e.getKey(), n.doubleValue());
                } else if (e.getValue() instanceof Map<?, ?> m && !e.getKey().equals("per_class")) {
                    for (Map.Entry<?, ?> x : m.entrySet()) {
                        System.out.printf(Locale.ROOT, "  %-16s %8.4f%n", e.getKey() + "@" + x.getKey(),
                                ((Number) x.getValue()).doubleValue());
                    }
                } else if (e.getValue() instanceof Map<?, ?> m) {
                    for (Map.Entry<?, ?> x : m.entrySet()) {
                        Map<String, Object> v = (Map<String, Object>) x.getValue();
                        System.out.printf(Locale.ROOT, "  AP %-13s %8.4f   AP07 %8.4f%n", x.getKey(),
                                ((Number) v.get("AP")).doubleValue(), ((Number) v.get("AP07")).doubleValue());
                    }
                }
            }
        }
    }
}
