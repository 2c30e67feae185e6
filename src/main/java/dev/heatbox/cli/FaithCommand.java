package dev.heatbox.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.data.ImageSources;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.job.Skipped;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.CurvePlot;
import dev.heatbox.score.Faithfulness;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import dev.heatbox.util.Npy;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "faith", mixinStandardHelpOptions = true,
        description = {"Is a heatmap faithful to the model? Without boxes: Average Drop and Increase in Confidence",
            "(keep the image where the map is high), deletion and insertion areas (RISE; pixels removed from, or",
            "added to a blank image, in the map's order), for each heatmap folder (from heatbox explain) and for",
            "a random-map and a centre-map baseline on the same images. Lower drop and deletion area, higher",
            "increase and insertion area are better. Costs 2 + 2*(steps+1) forward passes per image and folder.",
            "Writes OUT/faith.json and OUT/faith.png (mean deletion and insertion curves)."})
public final class FaithCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model folder")
    Path model;

    @Option(names = "--images", required = true, description = "an image, a folder of images, or a text file listing images")
    Path images;

    @Option(names = "--heatmaps", required = true, split = ",", description = "heatmap folders (index.json + .npy), comma-separated")
    List<Path> heatmaps;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--steps", defaultValue = "32", description = "deletion/insertion steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", defaultValue = "16", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--road", description = "also ROAD (most/least relevant first, 10..90 %, noisy linear imputation);"
            + " 18 more forward passes per image and folder plus the imputation")
    boolean road;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random-map baseline (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        List<Path> files = ImageSources.list(images);
        Cv.load();
        LabelCommand.checkWritable(out);
        try (SplitModel m = Models.load(model, null, null)) {
            int h = m.input().height;
            int w = m.input().width;
            // every folder must hold a map of the model's input size for every image
            List<Map<String, Object[]>> folders = new ArrayList<>();
            for (Path dir : heatmaps) {
                folders.add(read(dir, files, h, w));
            }
            Map<String, Faithfulness> byName = new LinkedHashMap<>();
            for (Path dir : heatmaps) {
                // named by the method in its index (folders are often all called "heatmaps")
                String name = Json.readTree(dir.resolve("index.json")).path(0).path("method").asText(dir.getFileName().toString());
                String unique = name;
                for (int k = 2; byName.containsKey(unique); k++) {
                    unique = name + " (" + k + ")";
                }
                byName.put(unique, new Faithfulness(m, steps, batch, road));
            }
            Faithfulness random = new Faithfulness(m, steps, batch, road);
            Faithfulness centre = new Faithfulness(m, steps, batch, road);
            float[] centreMap = centre(h, w);
            Random rng = new Random(seed);
            int done = 0;
            Skipped skipped = new Skipped(files.size());
            dev.heatbox.util.Progress progress = dev.heatbox.util.Progress.on(System.err);
            for (Path f : files) {
                Mat image = skipped.read(f, m.input().grey());
                if (image == null) {
                    continue; // an unreadable image has no maps either (explain skipped it too)
                }
                float[] x = m.input().toTensor(image);
                String key = f.getFileName().toString();
                for (int k = 0; k < folders.size(); k++) {
                    if (!folders.get(k).containsKey(key)) {
                        throw BadInputException.of(heatmaps.get(k), "no heatmap for " + key + " in index.json");
                    }
                }
                int k = 0;
                for (Faithfulness fa : byName.values()) {
                    Object[] e = folders.get(k++).get(key);
                    fa.accumulate(x, (float[]) e[0], (Integer) e[1]);
                }
                int top = top1(m, x);
                float[] rnd = new float[h * w];
                for (int p = 0; p < rnd.length; p++) {
                    rnd[p] = rng.nextFloat();
                }
                random.accumulate(x, rnd, top);
                centre.accumulate(x, centreMap, top);
                progress.update(String.format("faithfulness: %d/%d images", ++done, files.size()));
            }
            progress.finish();
            byName.put("random (baseline)", random);
            byName.put("centre (baseline)", centre);
            write(byName);
            return skipped.finish(out, System.out);
        }
    }

    /** The model's top-1 class for one input (forward only, so any model will do). */
    static int top1(SplitModel m, float[] x) {
        try (NDManager sub = m.manager().newSubManager()) {
            NDArray in = sub.create(x, new Shape(1, m.input().channels(), m.input().height, m.input().width));
            float[] p = m.scores(m.features(in)).softmax(1).toFloatArray();
            return TargetRule.rank(0, m.labels()).choose(p, 1, p.length)[0];
        }
    }

    private Map<String, Object[]> read(Path dir, List<Path> files, int h, int w) {
        Path indexFile = dir.resolve("index.json");
        JsonNode index = Json.readTree(indexFile);
        Map<String, Object[]> maps = new HashMap<>();
        for (JsonNode e : index) {
            String image = Path.of(e.path("image").asText()).getFileName().toString();
            if (maps.containsKey(image) || !e.path("top1").asBoolean(true)) {
                continue; // one map per image: the top-1 one
            }
            Path f = dir.resolve(e.path("file").asText());
            Npy.Array a = Npy.readFloat32(f);
            if (a.shape().length != 2 || a.shape()[0] != h || a.shape()[1] != w) {
                throw BadInputException.of(f, "map of shape " + java.util.Arrays.toString(a.shape()) + ", the model's input is ["
                        + h + ", " + w + "]");
            }
            maps.put(image, new Object[] {a.data(), e.path("target").asInt()});
        }
        return maps;
    }

    /** A Gaussian bump in the middle (σ = a quarter of the side), the "centre bias" baseline. */
    static float[] centre(int h, int w) {
        float[] m = new float[h * w];
        double sy = h / 4.0;
        double sx = w / 4.0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dy = (y - (h - 1) / 2.0) / sy;
                double dx = (x - (w - 1) / 2.0) / sx;
                m[y * w + x] = (float) Math.exp(-(dx * dx + dy * dy) / 2);
            }
        }
        return m;
    }

    private void write(Map<String, Faithfulness> byName) {
        Map<String, Object> doc = new LinkedHashMap<>();
        List<CurvePlot.Series> series = new ArrayList<>();
        double[] xs = new double[steps + 1];
        for (int s = 0; s <= steps; s++) {
            xs[s] = (double) s / steps;
        }
        System.out.println("| heatmaps | images | average drop | increase in confidence | deletion AUC | insertion AUC |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, Faithfulness> e : byName.entrySet()) {
            Faithfulness.Result r = e.getValue().compute();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("images", r.images());
            m.put("average_drop", r.averageDrop());
            m.put("increase_in_confidence", r.increaseInConfidence());
            m.put("deletion_auc", r.deletionAuc());
            m.put("insertion_auc", r.insertionAuc());
            if (r.roadMorf() != null) {
                Map<String, Object> rd = new LinkedHashMap<>();
                rd.put("percentiles", Faithfulness.ROAD_PERCENTILES);
                rd.put("morf", r.roadMorf());
                rd.put("lerf", r.roadLerf());
                rd.put("morf_mean", java.util.Arrays.stream(r.roadMorf()).average().orElse(Double.NaN));
                rd.put("lerf_mean", java.util.Arrays.stream(r.roadLerf()).average().orElse(Double.NaN));
                m.put("road", rd);
                System.out.printf(Locale.ROOT, "|   ROAD %s | MoRF mean %.3f (lower is better) | LeRF mean %.3f (higher is better) |%n",
                        e.getKey(), rd.get("morf_mean"), rd.get("lerf_mean"));
            }
            doc.put(e.getKey(), m);
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f |%n", e.getKey(), r.images(), r.averageDrop(),
                    r.increaseInConfidence(), r.deletionAuc(), r.insertionAuc());
            series.add(new CurvePlot.Series(e.getKey() + " del", xs, r.deletionCurve()));
            series.add(new CurvePlot.Series(e.getKey() + " ins", xs, r.insertionCurve()));
        }
        Json.write(out.resolve("faith.json"), doc);
        CurvePlot.write(out.resolve("faith.png"), "Deletion (del) and insertion (ins): target probability", "fraction of pixels",
                "p", series);
        System.out.println("faithfulness in " + out.resolve("faith.json"));
    }
}
