package dev.heatbox.cli;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.data.CocoReader;
import dev.heatbox.data.ImageSources;
import dev.heatbox.explain.GroundTruthTargets;
import dev.heatbox.data.ImageLabels;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.Method;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.job.Skipped;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.Overlay;
import dev.heatbox.util.BadInputException;
import dev.heatbox.tune.Recipe;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import dev.heatbox.util.Npy;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = {"Heatmaps for a trained or pretrained classifier, without retraining.",
            "Methods: cam (needs global average pooling + a linear classifier), gradcam, gradcam++, xgradcam,",
            "layercam, hirescam (one forward + a backward through the head only), eigencam (first principal component",
            "of the feature map; no gradient, class-agnostic), scorecam (gradient-free;",
            "costs one forward pass per channel of the layer and image: 1,280 for MobileNetV2's last conv),",
            "saliency (input gradient; --smooth N for SmoothGrad, N backward passes), deconvnet and guided",
            "(the backward rule changed at every ReLU/ReLU6, run segment by segment between them), guided-gradcam",
            "(guided x Grad-CAM); signed gradients in OUT/gradients/<stem>.npy, float32 [C, H, W]. occlusion",
            "(one forward per patch position), rise (one forward per mask) and lime (SLIC superpixels, a weighted",
            "ridge over --samples perturbed copies: one forward per sample; deterministic under --seed), for models",
            "without gradients. --method all runs saliency, deconvnet, guided, gradcam and guided-gradcam into",
            "OUT/<method>/ and writes OUT/panels/<stem>.png side by side (gradients as normalized RGB on grey).",
            "Writes OUT/heatmaps/<image-stem>.npy (or <stem>__<INDEX>.npy with several targets), float32 [H, W]",
            "in [0, 1] at the model's input size, OUT/heatmaps/index.json and OUT/overlays/*.png."})
public final class ExplainCommand implements Callable<Integer> {
    @Mixin
    EngineOption engine = new EngineOption();

    @Mixin
    MapOptions mapOptions = new MapOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "model folder (heatbox-model.json)")
    Path model;

    @Option(names = "--images", required = true, description = "an image, a folder of images, or a text file listing images")
    Path images;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--method", defaultValue = "gradcam", description = "one of: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})",
            completionCandidates = MethodNames.class)
    String method;

    @Option(names = "--layer", description = "graph node to explain (default: the model's; see heatbox layers)")
    String layer;

    @Option(names = "--output-node", description = "pre-softmax node (default: the model's, or the input of a trailing softmax)")
    String outputNode;

    @Option(names = "--target", defaultValue = "top1", description = "top1, topK (e.g. top3), a class index (0-based line of the labels file) or a class name")
    String target;

    @Option(names = "--gt", description = {"COCO ground truth: explain each image for its own labelled categories (GT-known),",
        "each by its best-scoring model class, instead of --target; images it lacks are skipped"})
    Path gt;

    @Option(names = "--labels", paramLabel = "SPEC", description = {"image-level labels, as --gt but without boxes: FILE.csv",
        "(file_name,category lines), FILE.json ({\"file_name\": [\"category\", ...]}), coco:FILE.json or folders (a subfolder",
        "per category under --images); images without labels are skipped"})
    String labels;

    @Option(names = "--classes", description = "with --gt or --labels: MAP.json, dataset category -> model classes (default: equal names)")
    Path classes;

    @Option(names = "--batch", defaultValue = "16", description = "images per batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--smooth", defaultValue = "1", description = "saliency: SmoothGrad over N noisy copies (default ${DEFAULT-VALUE}: plain gradient)")
    int smooth;

    @Option(names = "--noise", defaultValue = "0.15", description = "SmoothGrad noise, a fraction of the input range (default ${DEFAULT-VALUE})")
    double noise;

    @Option(names = "--patch", defaultValue = "0", description = "occlusion patch side in input pixels (default: width/8)")
    int patch;

    @Option(names = "--stride", defaultValue = "0", description = "occlusion stride (default: patch/2)")
    int stride;

    @Option(names = "--masks", defaultValue = "2000", description = "RISE: number of random masks (default ${DEFAULT-VALUE}); one forward pass each")
    int masks;

    @Option(names = "--samples", defaultValue = "1000", description = "LIME: perturbed samples (default ${DEFAULT-VALUE}); one forward pass each")
    int samples;

    @Option(names = "--slic-size", defaultValue = "0", description = "LIME: SLIC region size in input pixels (default: width/8)")
    int slicSize;

    @Option(names = "--slic-ruler", defaultValue = "10", description = "LIME: SLIC ruler, compactness (default ${DEFAULT-VALUE})")
    float slicRuler;

    @Option(names = "--seed", defaultValue = "1", description = "seed for RISE masks and SmoothGrad noise (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--overlays", defaultValue = "16", description = "overlay PNGs for the first N images, or 'all' (default ${DEFAULT-VALUE})")
    String overlays;

    static final class MethodNames extends ArrayList<String> {
        MethodNames() {
            super(Methods.NAMES);
        }
    }

    /** The methods of --method all, in the order of the panel (the article's figure). */
    static final List<String> ALL = List.of("saliency", "deconvnet", "guided", "gradcam", "guided-gradcam");

    @Override
    public Integer call() {
        Recipe r = mapOptions.applyRecipe(spec, model, false, System.err);
        method = MapOptions.pick(spec, r, method, Recipe::method, "--method");
        layer = MapOptions.pick(spec, r, layer, Recipe::layer, "--layer", "--method");
        mapOptions.fusion(spec);
        if (!Methods.NAMES.contains(method) && !"all".equals(method)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "unknown --method '" + method + "' (known: "
                    + String.join(", ", Methods.NAMES) + ", all)");
        }
        if ((gt != null || labels != null) && (!"top1".equals(target) || "all".equals(method))) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--gt and --labels choose the targets themselves:"
                    + " give them without --target, and with one --method");
        }
        if (gt != null && labels != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--gt or --labels, not both");
        }
        if (classes != null && gt == null && labels == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--classes goes with --gt or --labels");
        }
        int overlayCount = "all".equals(overlays) ? Integer.MAX_VALUE : Integer.parseInt(overlays);
        List<Path> files = ImageLabels.FOLDERS.equals(labels) ? ImageSources.listCategoryFolders(images) : ImageSources.list(images);
        ImageLabels given = null;
        if (labels != null) {
            try {
                given = ImageLabels.read(labels, images, files);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            given.problems().forEach(p -> System.out.println("warning: " + p));
        }
        Coco.Dataset truth = gt == null ? null : CocoReader.readDataset(gt);
        Cv.load();
        try (SplitModel m = Models.load(model, layer, outputNode, engine.engine)) {
            List<TargetRule> rules = rules(m.labels());
            Skipped skipped = new Skipped(files.size());
            if (truth != null || given != null) {
                ClassMap map = classes == null ? null : ClassMap.read(classes, m.labels());
                targets = truth != null ? new GroundTruthTargets(truth, map, m.labels()) : new GroundTruthTargets(given, map, m.labels());
                files = groundTruthImages(files, skipped);
            }
            if (!"all".equals(method)) {
                run(m, method, files, out, rules, overlayCount, skipped);
                return skipped.finish(out, System.out);
            }
            for (String name : ALL) {
                run(m, name, files, out.resolve(name), rules, overlayCount, skipped);
            }
            Panels.write(out, skipped.kept(files), ALL, m, overlayCount, rules.size() > 1);
            System.out.println("side-by-side panels in " + out.resolve("panels"));
            return skipped.finish(out, System.out);
        }
    }

    /** With --gt: the images explained for their labelled categories. */
    private GroundTruthTargets targets;

    /** The images the ground truth has, with a category some model class stands for; the others are skipped. */
    private List<Path> groundTruthImages(List<Path> files, Skipped skipped) {
        if (!targets.unmappedCategories().isEmpty()) {
            System.out.println("warning: no model class stands for these labelled categories (give --classes): "
                    + String.join(", ", targets.unmappedCategories()));
        }
        List<Path> kept = new ArrayList<>();
        for (Path f : files) {
            List<GroundTruthTargets.Target> t = targets.of(f);
            if (t == null) {
                skipped.add(f + (gt != null ? ": not in the ground truth (--gt)" : ": no label (--labels)"));
            } else if (t.isEmpty()) {
                skipped.add(f + ": none of its labelled categories has a model class (--classes)");
            } else {
                kept.add(f);
            }
        }
        return kept;
    }

    private void run(SplitModel m, String methodName, List<Path> files, Path dir, List<TargetRule> fixedRules, int overlayCount,
                     Skipped skipped) {
        boolean several = fixedRules.size() > 1;
        Methods.Options mo = new Methods.Options();
        mo.batch = Math.max(8, batch);
        mo.smooth = smooth;
        mo.noise = noise;
        mo.patch = patch;
        mo.stride = stride;
        mo.masks = masks;
        mo.seed = seed;
        mo.samples = samples;
        mo.slicSize = slicSize;
        mo.slicRuler = slicRuler;
        Method meth = Methods.create(methodName, mo, m.input().width);
        ExplainEngine engine = new ExplainEngine(m, meth, mapOptions.normalization(spec), mapOptions.tta(spec), mapOptions.fusion(spec));
        List<Map<String, Object>> index = new ArrayList<>();
        long t0 = System.nanoTime();
        int explained = 0;
        dev.heatbox.util.Progress progress = dev.heatbox.util.Progress.on(System.out);
        for (int s = 0; s < files.size(); s += batch) {
            List<Path> chunk = new ArrayList<>();
            List<Mat> originals = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (Path f : files.subList(s, Math.min(files.size(), s + batch))) {
                Mat im = skipped.read(f, m.input().grey());
                if (im != null) { // an unreadable image is listed in skipped.txt and left out
                    chunk.add(f);
                    originals.add(im);
                    inputs.add(m.input().toTensor(im));
                }
            }
            if (chunk.isEmpty()) {
                continue;
            }
            List<List<GroundTruthTargets.Target>> known = new ArrayList<>();
            List<TargetRule> rules = fixedRules;
            if (targets != null) { // one rule per labelled category: the k-th category of each image
                chunk.forEach(f -> known.add(targets.of(f)));
                int most = known.stream().mapToInt(List::size).max().orElse(0);
                rules = new ArrayList<>();
                for (int k = 0; k < most; k++) {
                    rules.add(GroundTruthTargets.rule(known, k, m.labels()));
                }
            }
            for (int k = 0; k < rules.size(); k++) {
                List<Explanation> ex = engine.explain(inputs, rules.get(k));
                for (int i = 0; i < chunk.size(); i++) {
                    GroundTruthTargets.Target truth = targets == null ? null
                            : k < known.get(i).size() ? known.get(i).get(k) : null;
                    if (targets != null && truth == null) {
                        continue; // this image has fewer labelled categories
                    }
                    Explanation e = ex.get(i);
                    String stem = ImageSources.stem(chunk.get(i));
                    String name = truth != null ? (known.get(i).size() > 1 ? stem + "__" + truth.categoryId() : stem)
                            : several ? stem + "__" + e.target() : stem;
                    Npy.writeFloat32(dir.resolve("heatmaps").resolve(name + ".npy"), e.map(), e.height(), e.width());
                    float[] signed = meth instanceof dev.heatbox.explain.Saliency sal ? sal.lastGradient()
                            : meth instanceof dev.heatbox.explain.RectifiedSaliency rs ? rs.lastGradient()
                            : meth instanceof dev.heatbox.explain.GuidedGradCam gg ? gg.lastGradient() : null;
                    if (signed != null) {
                        int per = m.input().channels() * e.height() * e.width();
                        float[] g = java.util.Arrays.copyOfRange(signed, i * per, (i + 1) * per);
                        Npy.writeFloat32(dir.resolve("gradients").resolve(name + ".npy"), g, m.input().channels(),
                                e.height(), e.width());
                    }
                    Map<String, Object> entry = dev.heatbox.explain.HeatmapIndex.entry(name + ".npy", chunk.get(i),
                            originals.get(i).cols(), originals.get(i).rows(), e, m.labels().get(e.target()), methodName, m.layer());
                    if (truth != null) {
                        entry.put("category_id", truth.categoryId());
                        entry.put("category", truth.category());
                    }
                    index.add(entry);
                    if (explained + i < overlayCount) {
                        Overlay.write(dir.resolve("overlays").resolve(name + ".png"),
                                Overlay.render(originals.get(i), e.map(), e.height(), e.width(), List.of(), List.of(), 224));
                    }
                }
            }
            explained += chunk.size();
            progress.update(String.format("%s: explained %d/%d images", methodName, explained, files.size()));
        }
        progress.finish();
        Json.write(dir.resolve("heatmaps").resolve("index.json"), index);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%s at layer %s: %d images in %.1f s (%.1f images/s); heatmaps in %s%n", methodName,
                m.layer() + (mapOptions.fuse == null ? "" : " fused " + mapOptions.fuse)
                        + (mapOptions.tta.equals("none") ? "" : ", tta " + mapOptions.tta), explained, secs, explained / secs,
                dir.resolve("heatmaps"));
    }

    /** --target → one rule per map to write. */
    List<TargetRule> rules(List<String> labels) {
        String t = target.trim();
        List<TargetRule> out = new ArrayList<>();
        if (t.matches("top\\d+")) {
            int k = Integer.parseInt(t.substring(3));
            if (k < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--target topK needs K ≥ 1");
            }
            for (int r = 0; r < k; r++) {
                out.add(TargetRule.rank(r, labels));
            }
            return out;
        }
        int idx;
        if (t.matches("\\d+")) {
            idx = Integer.parseInt(t);
            if (idx >= labels.size()) {
                throw new BadInputException("--target " + idx + ": the model has " + labels.size() + " classes (0.." + (labels.size() - 1) + ")");
            }
        } else {
            idx = classByName(labels, t);
        }
        final int c = idx;
        out.add((p, n, classes) -> {
            int[] a = new int[n];
            java.util.Arrays.fill(a, c);
            return a;
        });
        return out;
    }

    /** A labels line matches when it equals the name or one of its comma-separated synonyms (trimmed, any case). */
    int classByName(List<String> labels, String name) {
        List<Integer> hits = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            String l = labels.get(i);
            boolean match = l.trim().equalsIgnoreCase(name);
            for (String syn : l.split(",")) {
                match |= syn.trim().equalsIgnoreCase(name);
            }
            if (match) {
                hits.add(i);
            }
        }
        if (hits.isEmpty()) {
            throw new BadInputException("--target '" + name + "': no such class in the model's labels");
        }
        if (hits.size() > 1) {
            StringBuilder s = new StringBuilder();
            for (int h : hits) {
                s.append(h).append(" (").append(labels.get(h)).append(") ");
            }
            throw new CommandLine.ParameterException(new CommandLine(this), "--target '" + name
                    + "' matches several classes: " + s.toString().trim() + "; give the index");
        }
        return hits.get(0);
    }
}
