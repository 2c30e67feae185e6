package dev.heatbox.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.heatbox.data.ImageSources;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Model figures for heatbox bench: forward-only images/s, then each method as images/s and a multiple of it. */
final class ModelBench {
    private ModelBench() {}

    static List<Map<String, Object>> run(Path modelDir, Path imageDir, List<Integer> batches, int reps, boolean quick,
                                         int threads) {
        return run(modelDir, imageDir, batches, reps, quick, threads, null, null);
    }

    /**
     * @param recipe a recipe to time on this model beside the methods (else the folder's recipe.json, if any)
     * @param labelOut where a label run on the images may write (the "label" row: the whole job on photos), or null
     */
    static List<Map<String, Object>> run(Path modelDir, Path imageDir, List<Integer> batches, int reps, boolean quick,
                                         int threads, Path recipe, Path labelOut) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (SplitModel m = Models.load(modelDir, null, null)) {
            String name = m.spec().name;
            String engine = m.engineName();
            List<float[]> pool = new ArrayList<>();
            for (Path p : ImageSources.list(imageDir)) {
                pool.add(m.input().toTensor(Cv.read(p, m.input().grey())));
            }
            int firstRow = rows.size();
            for (int batch : batches) {
                int n = quick ? batch * 2 : batch * 4;
                List<List<float[]>> chunks = chunks(pool, batch, n);
                double[] fwd = BenchCommand.measure(reps, n, () -> chunks.forEach(c -> forward(m, c)));
                rows.add(row(name, engine, "forward", batch, threads, fwd, 1.0));
                boolean rectified = m instanceof dev.heatbox.model.mxnet.MxSymbolModel;
                for (String method : List.of("cam", "gradcam", "gradcam++", "layercam", "saliency", "deconvnet", "guided",
                        "guided-gradcam")) {
                    if (!m.hasGradients()
                            || method.equals("cam") && m.classifierWeight() == null
                            || !rectified && (method.equals("deconvnet") || method.equals("guided") || method.equals("guided-gradcam"))
                            || quick && (method.equals("deconvnet") || method.equals("guided-gradcam"))) {
                        continue;
                    }
                    ExplainEngine e = new ExplainEngine(m, Methods.create(method, batch));
                    TargetRule top = TargetRule.rank(0, m.labels());
                    double[] r = BenchCommand.measure(reps, n, () -> chunks.forEach(c -> e.layerMaps(c, top)));
                    rows.add(row(name, engine, method, batch, threads, r, fwd[fwd.length / 2] / r[r.length / 2]));
                }
                recipeRow(m, modelDir, recipe, chunks, n, batch, reps, threads, fwd).ifPresent(rows::add);
                if (labelOut != null && m.hasGradients()) {
                    // decode → Grad-CAM → boxes → COCO/VOC files, as `label` runs by default without a recipe, on the
                    // photos linked 8 times under other names: a run of two batches would time mostly the first decode
                    Path photos = repeated(imageDir, 8, labelOut.resolve("photos"));
                    double[] job = PipelineBench.labelJob(modelDir, photos, batch, reps, labelOut.resolve("out"));
                    rows.add(row(name, engine, "label (photos x8, gradcam)", batch, threads, job,
                            fwd[fwd.length / 2] / job[job.length / 2]));
                }
            }
            // the same network on ONNX Runtime (the folder's whole-model ONNX), the figure to match
            double[] ortRates = onnxForward(modelDir, pool, batches.get(0), reps);
            if (ortRates != null) {
                double ort = ortRates[ortRates.length / 2];
                Map<String, Object> o = row(name, "OnnxRuntime", "forward (whole model.onnx)", batches.get(0), threads, ortRates,
                        Double.NaN);
                o.put("ratio_to_forward", null);
                rows.add(o);
                for (Map<String, Object> x : rows.subList(firstRow, rows.size())) {
                    x.put("ratio_to_onnxruntime", ((Number) x.get("images_per_s_median")).doubleValue() / ort);
                }
            }
            if (quick) {
                return rows;
            }
            List<float[]> one = List.of(pool.get(0));
            double[] single = BenchCommand.measure(1, 1, () -> forward(m, one));
            if (m.hasGradients()) {
                // Score-CAM: one forward per channel, so one image at batch 1, timed once
                ExplainEngine sc = new ExplainEngine(m, Methods.create("scorecam", 64));
                double[] r = BenchCommand.measure(1, 1, () -> sc.layerMaps(one, TargetRule.rank(0, m.labels())));
                rows.add(row(name, engine, "scorecam", 1, threads, r, single[0] / r[0]));
            }
            for (String method : List.of("occlusion", "rise")) {
                Methods.Options mo = new Methods.Options();
                mo.batch = 64;
                mo.masks = 500;
                ExplainEngine pe = new ExplainEngine(m, Methods.create(method, mo, m.input().width));
                double[] pr = BenchCommand.measure(1, 1, () -> pe.layerMaps(one, TargetRule.rank(0, m.labels())));
                rows.add(row(name, engine, method, 1, threads, pr, single[0] / pr[0]));
            }
        }
        return rows;
    }

    /** A folder holding every image of {@code dir} {@code times} times (symbolic links named copy-k-NAME). */
    private static Path repeated(Path dir, int times, Path to) {
        try {
            java.nio.file.Files.createDirectories(to);
            for (Path p : ImageSources.list(dir)) {
                for (int k = 0; k < times; k++) {
                    Path link = to.resolve("copy" + k + "-" + p.getFileName());
                    if (!java.nio.file.Files.exists(link)) {
                        java.nio.file.Files.createSymbolicLink(link, p.toAbsolutePath());
                    }
                }
            }
            return to;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The model folder's recipe (recipe.json) run as label runs it, when the folder has one this model can run. */
    private static java.util.Optional<Map<String, Object>> recipeRow(SplitModel m, Path modelDir, Path recipe,
                                                                      List<List<float[]>> chunks, int n, int batch, int reps,
                                                                      int threads, double[] fwd) {
        Path file = recipe != null ? recipe : modelDir.resolve("recipe.json");
        if (!java.nio.file.Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        dev.heatbox.tune.Recipe r = dev.heatbox.tune.Recipe.read(file);
        try (SplitModel rm = Models.load(modelDir, r.layer(), null)) {
            ExplainEngine e = new ExplainEngine(rm, Methods.create(r.method(), batch), dev.heatbox.explain.Normalization.parse(r.norm()),
                    dev.heatbox.explain.Tta.parse(r.tta()), r.fuse() == null ? null : dev.heatbox.explain.Fusion.parse(r.fuse()));
            TargetRule top = TargetRule.rank(0, rm.labels());
            double[] t = BenchCommand.measure(reps, n, () -> chunks.forEach(c -> e.explain(c, top)));
            return java.util.Optional.of(row(m.spec().name, rm.engineName(), "recipe (" + r.method() + ", " + r.tta()
                    + (r.fuse() == null ? "" : ", fused " + r.fuse()) + ")", batch, threads, t, fwd[fwd.length / 2] / t[t.length / 2]));
        } catch (dev.heatbox.util.BadInputException x) {
            System.err.println("bench: " + m.spec().name + ": the folder's recipe cannot run here (" + x.getMessage() + ")");
            return java.util.Optional.empty();
        }
    }

    /** Forward images/s of the folder's whole-model ONNX on ONNX Runtime, or null when it has none (or is ONNX itself). */
    private static double[] onnxForward(Path modelDir, List<float[]> pool, int batch, int reps) {
        try (SplitModel o = Models.wholeOnnx(modelDir)) {
            if (o == null) {
                return null;
            }
            int n = batch * 4;
            List<List<float[]>> chunks = chunks(pool, batch, n);
            return BenchCommand.measure(reps, n, () -> chunks.forEach(c -> forward(o, c)));
        }
    }

    /** n inputs from the pool (round and round) in batches. */
    private static List<List<float[]>> chunks(List<float[]> pool, int batch, int n) {
        List<List<float[]>> chunks = new ArrayList<>();
        for (int s = 0; s < n; s += batch) {
            List<float[]> c = new ArrayList<>();
            for (int i = s; i < s + batch; i++) {
                c.add(pool.get(i % pool.size()));
            }
            chunks.add(c);
        }
        return chunks;
    }

    static void forward(SplitModel m, List<float[]> c) {
        int per = c.get(0).length;
        float[] flat = new float[c.size() * per];
        for (int i = 0; i < c.size(); i++) {
            System.arraycopy(c.get(i), 0, flat, i * per, per);
        }
        try (NDManager sub = m.manager().newSubManager()) {
            m.scores(m.features(sub.create(flat, new Shape(c.size(), m.input().channels(), m.input().height, m.input().width))))
                    .softmax(1).toFloatArray();
        }
    }

    static Map<String, Object> row(String model, String engine, String method, int batch, int threads, double[] rates,
                                   double ratio) {
        Map<String, Object> r = BenchCommand.row(method, threads, rates);
        r.put("model", model);
        r.put("engine", engine);
        r.put("batch", batch);
        r.put("ratio_to_forward", ratio);
        return r;
    }
}
