package dev.heatbox.cli;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.PixelBox;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.explain.Methods;
import dev.heatbox.job.Skipped;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.AuditPage;
import dev.heatbox.score.EvidenceAudit;
import dev.heatbox.tune.Recipe;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import org.opencv.core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Does the model look at the objects or beside them? For every image with ground-truth boxes, the",
            "map of its ground-truth class is measured: energy inside the boxes (energy-based pointing game), whether",
            "its maximum is inside (pointing game), the share of the predicted box outside the boxes, against the",
            "share of the image the boxes cover (what a uniform map gets). Per class and overall; classes are flagged",
            "by the rule written into audit.json. Writes OUT/audit.json and OUT/audit.html (worst examples)."})
public final class AuditCommand implements Callable<Integer> {
    @Mixin
    MapOptions mapOptions = new MapOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--threshold", defaultValue = "0.2", description = "box threshold, a fraction of the map's max, for the"
            + " predicted box's share outside (default ${DEFAULT-VALUE})")
    double threshold;

    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Option(names = "--data", required = true, description = "dataset folder (images/ + instances.json with boxes)")
    Path data;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--method", defaultValue = "gradcam", description = "explanation method (default ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--layer", description = "layer to explain (default: the model's)")
    String layer;

    @Option(names = "--classes", description = "MAP.json: dataset category -> model classes, when the names differ")
    Path classes;

    @Option(names = "--batch", defaultValue = "16", description = "images per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() {
        Recipe r = mapOptions.applyRecipe(spec, model, false, System.err);
        method = MapOptions.pick(spec, r, method, Recipe::method, "--method");
        layer = MapOptions.pick(spec, r, layer, Recipe::layer, "--layer", "--method");
        threshold = MapOptions.pick(spec, r, threshold, Recipe::threshold, "--threshold");
        DatasetFolder.Loaded d = DatasetFolder.read(data);
        if (d.coco().annotations.isEmpty()) {
            throw BadInputException.of(data.resolve("instances.json"), "no boxes: the audit needs ground-truth boxes"
                    + " to tell the object from the background");
        }
        Cv.load();
        LabelCommand.checkWritable(out);
        try (SplitModel m = Models.load(model, layer, null)) {
            Map<String, List<Integer>> classesOf = GroundTruthTargets.classesOf(
                    classes == null ? null : ClassMap.read(classes, m.labels()), m.labels());
            ExplainEngine engine = new ExplainEngine(m, Methods.create(method, batch), mapOptions.normalization(spec),
                    mapOptions.tta(spec), mapOptions.fusion(spec));
            BoxExtractor camRule = new BoxExtractor(threshold, BoxExtractor.Mode.LARGEST);
            EvidenceAudit audit = new EvidenceAudit();
            Map<String, List<AuditPage.Example>> examples = new HashMap<>();
            Map<Long, String> names = d.categoryNames();
            // one entry per (image, ground-truth category in it): each category is explained and measured on its own boxes
            List<DatasetFolder.Item> items = new ArrayList<>();
            List<Long> itemCats = new ArrayList<>();
            int unmapped = 0;
            int top1Right = 0;
            for (DatasetFolder.Item it : d.items()) {
                for (Long c : new java.util.LinkedHashSet<>(it.categories())) {
                    if (classesOf.getOrDefault(names.get(c), List.of()).isEmpty()) {
                        unmapped++;
                    } else {
                        items.add(it);
                        itemCats.add(c);
                    }
                }
            }
            Skipped skipped = new Skipped(d.items().size());
            int audited = 0;
            for (int s = 0; s < items.size(); s += batch) {
                List<DatasetFolder.Item> chunk = new ArrayList<>();
                List<Long> chunkCats = new ArrayList<>();
                List<float[]> inputs = new ArrayList<>();
                List<String> cats = new ArrayList<>();
                for (int i = s; i < Math.min(items.size(), s + batch); i++) {
                    Mat image = skipped.read(items.get(i).image(), m.input().grey());
                    if (image != null) {
                        chunk.add(items.get(i));
                        chunkCats.add(itemCats.get(i));
                        inputs.add(m.input().toTensor(image));
                        cats.add(names.get(itemCats.get(i)));
                    }
                }
                if (chunk.isEmpty()) {
                    continue;
                }
                audited += chunk.size();
                // each image explained for its ground-truth category: its most probable member class
                List<Explanation> ex = engine.explain(inputs, (p, n, c) -> {
                    int[] t = new int[n];
                    for (int i = 0; i < n; i++) {
                        t[i] = GroundTruthTargets.best(p, i, c, classesOf.get(cats.get(i)));
                    }
                    return t;
                });
                for (int i = 0; i < chunk.size(); i++) {
                    DatasetFolder.Item it = chunk.get(i);
                    Explanation e = ex.get(i);
                    List<PixelBox> boxes = new ArrayList<>();
                    for (int b = 0; b < it.boxes().size(); b++) {
                        if (it.categories().get(b).equals(chunkCats.get(i))) {
                            boxes.add(it.boxes().get(b).resizedLikeWsol(it.width(), it.height(), e.width(), e.height()));
                        }
                    }
                    List<BoxExtractor.Component> pred = camRule.extract(e.map(), e.height(), e.width());
                    EvidenceAudit.ImageScore sc = EvidenceAudit.score(it.image().toString(), cats.get(i), e.map(), e.height(),
                            e.width(), boxes, pred.isEmpty() ? null : pred.get(0).box());
                    audit.accumulate(sc);
                    if (classesOf.get(cats.get(i)).contains(e.top1())) {
                        top1Right++;
                    }
                    examples.computeIfAbsent(cats.get(i), k -> new ArrayList<>())
                            .add(new AuditPage.Example(it.image(), sc, e.map(), e.height(), e.width(), boxes));
                    examples.get(cats.get(i)).sort((a, b) -> Double.compare(a.score().energyInBox(), b.score().energyInBox()));
                    if (examples.get(cats.get(i)).size() > AuditPage.PER_CLASS) {
                        examples.get(cats.get(i)).remove(AuditPage.PER_CLASS);
                    }
                }
            }
            write(audit, examples, unmapped, (double) top1Right / audited);
            return skipped.finish(out, System.out);
        }
    }

    private void write(EvidenceAudit audit, Map<String, List<AuditPage.Example>> examples, int unmapped, double top1) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("method", method);
        doc.put("rule", EvidenceAudit.RULE);
        Map<String, Object> overall = row(audit.overall());
        overall.put("top1_accuracy", top1); // share of (image, category) pairs whose top-1 class stands for that category
        doc.put("overall", overall);
        Map<String, Object> cls = new LinkedHashMap<>();
        List<String> flagged = new ArrayList<>();
        System.out.println("  class            images  energy_in_box  box_area_share  pointing  outside_box  flagged");
        for (Map.Entry<String, EvidenceAudit.ClassResult> e : audit.perClass().entrySet()) {
            cls.put(e.getKey(), row(e.getValue()));
            print(e.getKey(), e.getValue());
            if (e.getValue().flagged()) {
                flagged.add(e.getKey());
            }
        }
        print("(overall)", audit.overall());
        doc.put("classes", cls);
        doc.put("flagged", flagged);
        if (unmapped > 0) {
            doc.put("image_categories_without_a_model_class", unmapped);
        }
        Json.write(out.resolve("audit.json"), doc);
        AuditPage.write(out.resolve("audit.html"), flagged, examples, EvidenceAudit.RULE);
        System.out.printf(Locale.ROOT, "top-1 accuracy on these images: %.3f%n", top1);
        System.out.println(flagged.isEmpty() ? "no class flagged" : "flagged: " + String.join(", ", flagged));
        System.out.println("rule: " + EvidenceAudit.RULE);
        System.out.println("audit in " + out);
    }

    private static void print(String name, EvidenceAudit.ClassResult r) {
        System.out.printf(Locale.ROOT, "  %-16s %6d  %13.3f  %14.3f  %8.3f  %11.3f  %s%n", name, r.images(), r.energyInBox(),
                r.boxAreaShare(), r.pointingGame(), r.outsideBoxArea(), r.flagged() ? "FLAGGED" : "");
    }

    private static Map<String, Object> row(EvidenceAudit.ClassResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("energy_in_box", r.energyInBox());
        m.put("pointing_game", r.pointingGame());
        m.put("box_area_share", r.boxAreaShare());
        m.put("outside_box_area", r.outsideBoxArea());
        m.put("flagged", r.flagged());
        return m;
    }
}
