package dev.heatbox.job;

import dev.heatbox.data.Coco;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.export.CocoExport;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.export.VocExport;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.model.InputSpec;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.Overlay;
import dev.heatbox.score.LocalizationAccuracy;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import dev.heatbox.util.Npy;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;

/**
 * Explains every image of a labelled dataset folder, turns the maps into boxes, exports them
 * and scores them: heatmaps/, labels/coco, labels/voc, overlays/ and metrics.json under one folder.
 * Box score = top-1 probability × mean heat inside the box.
 */
public final class LocalizeJob {
    public static final class Options {
        public double threshold = 0.2;
        public BoxExtractor.Mode boxes = BoxExtractor.Mode.LARGEST;
        public int batch = 64;
        public int overlays = 16;
        public double delta = 0.5;
    }

    public record Summary(int images, int boxes, LocalizationAccuracy.Result localization) {}

    private final SplitModel model;
    private final ExplainEngine engine;
    private final Options opt;
    private final PrintStream log;

    public LocalizeJob(SplitModel model, ExplainEngine engine, Options opt, PrintStream log) {
        this.model = model;
        this.engine = engine;
        this.opt = opt;
        this.log = log;
    }

    public Summary run(DatasetFolder.Loaded data, Path out) {
        Cv.load();
        InputSpec in = model.input();
        // model class index <-> dataset category, matched by name
        Map<String, Coco.Category> catByName = new LinkedHashMap<>();
        data.coco().categories.forEach(c -> catByName.put(c.name, c));
        List<String> labels = model.labels();
        BoxExtractor fixed = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST); // the CAM rule scores with τ = 0.2
        BoxExtractor extractor = new BoxExtractor(opt.threshold, opt.boxes);
        LocalizationAccuracy acc = new LocalizationAccuracy(opt.delta);
        List<LabeledImage> labelled = new ArrayList<>();
        List<Map<String, Object>> index = new ArrayList<>();
        int boxCount = 0;
        List<DatasetFolder.Item> items = data.items();
        dev.heatbox.util.Progress progress = dev.heatbox.util.Progress.on(log);
        for (int start = 0; start < items.size(); start += opt.batch) {
            List<DatasetFolder.Item> chunk = items.subList(start, Math.min(items.size(), start + opt.batch));
            List<Mat> originals = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            int[] gtClass = new int[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                Mat m = Cv.read(chunk.get(i).image(), in.grey());
                originals.add(m);
                inputs.add(in.toTensor(m));
                gtClass[i] = chunk.get(i).categories().isEmpty() ? ExplainEngine.TOP1
                        : labels.indexOf(data.categoryNames().get(chunk.get(i).categories().get(0)));
            }
            List<Explanation> top1 = engine.explain(inputs, (int[]) null);
            List<Explanation> known = engine.explain(inputs, gtClass);
            for (int i = 0; i < chunk.size(); i++) {
                DatasetFolder.Item it = chunk.get(i);
                Explanation e = top1.get(i);
                Mat orig = originals.get(i);
                String file = it.image().getFileName().toString();
                LabeledImage li = new LabeledImage(it.id(), file, orig.cols(), orig.rows(), orig.channels(), new ArrayList<>());
                String stem = li.stem();
                Explanation k = known.get(i);
                // one target: <stem>.npy; when the ground-truth class is not the top-1, both maps as <stem>__<INDEX>.npy
                boolean two = k.target() != e.target();
                String topFile = two ? stem + "__" + e.target() + ".npy" : stem + ".npy";
                Npy.writeFloat32(out.resolve("heatmaps").resolve(topFile), e.map(), e.height(), e.width());
                index.add(indexEntry(it, orig, topFile, e));
                if (two) {
                    String gtFile = stem + "__" + k.target() + ".npy";
                    Npy.writeFloat32(out.resolve("heatmaps").resolve(gtFile), k.map(), k.height(), k.width());
                    index.add(indexEntry(it, orig, gtFile, k));
                }

                String label = labels.get(e.target());
                Coco.Category cat = catByName.get(label);
                long catId = cat != null ? cat.id : e.target() + 1;
                List<PixelBox> predPixels = new ArrayList<>();
                for (BoxExtractor.Component c : extractor.extract(e.map(), e.height(), e.width())) {
                    double score = BoxRule.score(e.map(), e.width(), c.box(), e.targetProbability());
                    double[] bbox = c.box().toCocoScaled(e.width(), e.height(), orig.cols(), orig.rows());
                    li.detections().add(new LabeledImage.Detection(catId, label, bbox, score, engine.method().name()));
                    predPixels.add(PixelBox.fromCoco(bbox));
                    boxCount++;
                }
                labelled.add(li);

                // GT-known / Top-1 Loc: the ground-truth class's map, the CAM rule, boxes resized to the map
                List<BoxExtractor.Component> kb = fixed.extract(k.map(), k.height(), k.width());
                List<PixelBox> gtOnMap = new ArrayList<>();
                List<PixelBox> gtOrig = new ArrayList<>();
                for (int g = 0; g < it.boxes().size(); g++) {
                    if (it.categories().get(g).equals(it.categories().get(0))) {
                        gtOrig.add(it.boxes().get(g));
                        gtOnMap.add(it.boxes().get(g).resizedLikeWsol(orig.cols(), orig.rows(), k.width(), k.height()));
                    }
                }
                if (!it.boxes().isEmpty()) {
                    acc.accumulate(kb.isEmpty() ? null : kb.get(0).box(), gtOnMap, e.top1() == gtClass[i]);
                }
                if (labelled.size() <= opt.overlays) {
                    Overlay.write(out.resolve("overlays").resolve(stem + ".png"),
                            Overlay.render(orig, e.map(), e.height(), e.width(), predPixels, gtOrig, 192));
                }
            }
            progress.update(String.format("explained %d/%d images", Math.min(items.size(), start + opt.batch), items.size()));
        }
        progress.finish();
        Json.write(out.resolve("heatmaps").resolve("index.json"), index);
        CocoExport.writeResults(out.resolve("labels").resolve("coco").resolve("results.json"), labelled);
        CocoExport.writeAnnotations(out.resolve("labels").resolve("coco").resolve("annotations.json"), labelled,
                data.coco().categories);
        VocExport.writeAll(out.resolve("labels").resolve("voc"), labelled);
        return new Summary(items.size(), boxCount, acc.compute());
    }

    private Map<String, Object> indexEntry(DatasetFolder.Item it, Mat orig, String file, Explanation e) {
        return dev.heatbox.explain.HeatmapIndex.entry(file, it.image(), orig.cols(), orig.rows(), e,
                model.labels().get(e.target()), engine.method().name(), model.layer());
    }

}
