package dev.heatbox.cli;

import dev.heatbox.data.PixelBox;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.localize.WsolBoxes;
import dev.heatbox.score.MaxBoxAcc;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput, as min / median / max over repeats after a warm-up:",
            "box extraction (threshold + components + boxes) and the MaxBoxAccV2 sweep at a 0.001 grid,",
            "both on 224x224 maps using every core. Writes OUT/bench.json and prints a table."})
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--repeats", defaultValue = "5", description = "timed repeats (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--quick", description = "fewer images, training steps and repeats (under two minutes)")
    boolean quick;

    @Option(names = "--model", description = "model folders to time (default: the shipped MobileNetV2 and MobileNetV1)")
    List<Path> models;

    @Option(names = "--batch", split = ",", defaultValue = "16", description = "batch sizes for the model figures (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--images", defaultValue = "datasets/coco-sample/images", description = "images for the model figures")
    Path images;

    @Option(names = "--recipe", paramLabel = "R", description = {"a recipe to time on each model beside the methods (default:",
        "each model folder's own recipe.json, if any)"})
    Path recipe;

    @Option(names = "--label-photos", description = "also time the whole label job on --images with each model (Grad-CAM)")
    boolean labelPhotos;

    @Spec
    CommandSpec spec;

    /** The bench's parts, in the order they run. */
    static final List<String> PARTS = List.of("maps", "train", "models", "label");

    @Option(names = "--only", split = ",", paramLabel = "PART", description = {"run only these parts: maps (box extraction",
        "and the sweep), train (CAM training beside the plain PyTorch loop), models, label (default: all)"})
    List<String> only;

    @Override
    public Integer call() throws IOException {
        List<String> parts = only == null ? PARTS : only;
        for (String p : parts) {
            if (!PARTS.contains(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--only: unknown part '" + p
                        + "' (one of " + String.join(", ", PARTS) + ")");
            }
        }
        Cv.load();
        int reps = quick ? 2 : repeats;
        int threads = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Object> memory = new LinkedHashMap<>();
        if (parts.contains("maps")) {
            mapRows(results, reps, threads);
        }
        if (parts.contains("train") || parts.contains("models") || parts.contains("label")) {
            pipelineRows(parts, results, memory, reps, threads);
        }

        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", threads);
        machine.put("cpu", cpuModel());
        machine.put("java", System.getProperty("java.version"));
        machine.put("opencv", org.opencv.core.Core.VERSION);
        machine.put("djl", ai.djl.engine.Engine.getDjlVersion());
        machine.put("mxnet", ai.djl.engine.Engine.getEngine("MXNet").getVersion());
        machine.put("pytorch", ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
        machine.put("onnxruntime", ai.djl.engine.Engine.getEngine("OnnxRuntime").getVersion());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("machine", machine);
        doc.put("results", results);
        if (!memory.isEmpty()) {
            doc.put("memory", memory);
        }
        Json.write(out.resolve("bench.json"), doc);
        if (!memory.isEmpty()) {
            System.out.println("RSS after 1,000 / 10,000 labelled images: " + memory.get("rss_mb_after_1000_images") + " / "
                    + memory.get("rss_mb_after_10000_images") + " MB");
        }
        System.out.println("| model | engine | method | batch | threads | per s (min / median / max) | x forward |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Map<String, Object> r : results) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f / %.2f / %.2f | %s |%n", r.get("model") == null ? "-" : r.get("model"),
                    r.get("engine") == null ? "-" : r.get("engine"), r.get("method"), r.get("batch") == null ? "-" : r.get("batch"), r.get("threads"),
                    r.get("images_per_s_min"), r.get("images_per_s_median"), r.get("images_per_s_max"),
                    r.get("ratio_to_forward") == null ? "-" : String.format(Locale.ROOT, "%.2f", (Double) r.get("ratio_to_forward")));
        }
        return 0;
    }

    /** Box extraction and the MaxBoxAccV2 sweeps on synthetic CAM-like maps. */
    private void mapRows(List<Map<String, Object>> results, int reps, int threads) {
        // the same maps in the quick bench (only fewer repeats): a few dozen maps were too short a run to time
        List<float[]> maps = syntheticMaps(256, 224, 224, 7);
        BoxExtractor ex = new BoxExtractor(0.2, BoxExtractor.Mode.LARGEST);
        results.add(row("boxes", threads, measure(reps, maps.size() * 20, () -> {
            for (int r = 0; r < 20; r++) {
                maps.parallelStream().forEach(m -> ex.extract(m, 224, 224));
            }
        }, 3)));
        List<PixelBox> gt = List.of(new PixelBox(60, 60, 160, 160));
        List<float[]> sweepMaps = maps.subList(0, 128);
        results.add(row("maxboxacc_v2_sweep", threads, measure(reps, sweepMaps.size(), () -> {
            MaxBoxAcc[] acc = new MaxBoxAcc[threads];
            IntStream.range(0, threads).parallel().forEach(t -> {
                acc[t] = MaxBoxAcc.v2(0.001);
                for (int i = t; i < sweepMaps.size(); i += threads) {
                    acc[t].accumulate(sweepMaps.get(i), 224, 224, gt);
                }
            });
        }, 3)));
        // the reference's way, one contour search per threshold, on a few maps: the figure the sweep is compared with
        double[] taus = WsolBoxes.thresholds(0.001);
        List<float[]> refMaps = maps.subList(0, quick ? 2 : 8);
        results.add(row("maxboxacc_v2_per_threshold", threads, measure(Math.min(reps, 2), refMaps.size(), () ->
                refMaps.parallelStream().forEach(m -> {
                    WsolBoxes wb = new WsolBoxes(m, 224, 224);
                    for (double t : taus) {
                        wb.boxes(t, true);
                    }
                }))));

    }

    /** CAM training beside the reference loop, the models' methods, and the label job. */
    private void pipelineRows(List<String> parts, List<Map<String, Object>> results, Map<String, Object> memory,
                              int reps, int threads) throws IOException {
        Path work = Files.createTempDirectory("heatbox-bench");
        try {
            PipelineBench.digits(work, quick ? 1000 : 2000);
            Path digitsModel = null;
            if (parts.contains("train")) {
                // two epochs: the figure is the second's (the first warms up), as the reference loop skips its first steps
                digitsModel = PipelineBench.trainDigits(work, 2, results, threads, List.of("mxnet", "pytorch"));
                results.addAll(PipelineBench.referenceTraining(threads, quick));
            }
            if (parts.contains("models")) {
                // the same MobileNetV2 on MXNet and on PyTorch (TorchScript), side by side; MobileNetV1 on MXNet and ONNX Runtime
                List<Path> toTime = new ArrayList<>(models != null ? models : List.of(Shipped.path("models/mobilenet_v2_1.0_224"),
                        Shipped.path("models/mobilenet_v2_1.0_224_torchscript"), Shipped.path("models/mobilenet_v1_0.25_128"),
                        Shipped.path("models/mobilenet_v1_0.25_128_onnx")));
                if (digitsModel != null) {
                    toTime.add(digitsModel);
                }
                for (Path mdir : toTime) {
                    Path imgs = mdir.equals(digitsModel) ? work.resolve("digits/test/images") : images;
                    Path labelOut = labelPhotos && !mdir.equals(digitsModel) ? work.resolve("label-photos") : null;
                    results.addAll(ModelBench.run(mdir, imgs, batches, reps, quick, threads, recipe, labelOut));
                    results.get(results.size() - 1).put("peak_rss_mb", PipelineBench.peakRssMb());
                }
            }
            if (parts.contains("label")) {
                // the whole label job on a folder of generated digits, with MobileNetV1 (decode → model → boxes → export)
                Path v1 = Shipped.path("models/mobilenet_v1_0.25_128");
                Path digitImages = work.resolve("digits/train/images");
                double[] job = PipelineBench.labelJob(v1, digitImages, 16, reps, work.resolve("label"));
                Map<String, Object> jr = ModelBench.row("mobilenet_v1_0.25_128", "MXNet", "label", 16, threads, job, Double.NaN);
                jr.put("ratio_to_forward", null);
                jr.put("peak_rss_mb", PipelineBench.peakRssMb());
                results.add(jr);
                if (!quick) {
                    long[] rss = PipelineBench.rssAfter(v1, digitImages, 1000, 10000);
                    memory.put("rss_mb_after_1000_images", rss[0]);
                    memory.put("rss_mb_after_10000_images", rss[1]);
                }
            }
        } finally {
            TrainCommand.deleteTree(work);
        }
    }

    /** {@link #measure(int, int, Runnable, double)} with a warm-up of at least one second. */
    static double[] measure(int reps, int items, Runnable work) {
        return measure(reps, items, work, 1);
    }

    /**
     * Warm-up (the work repeated for at least {@code warmSeconds}, so the JIT has compiled it: with both
     * cores busy its compiler thread gets little time), then {@code reps} timed runs; rates in items per
     * second, sorted.
     */
    static double[] measure(int reps, int items, Runnable work, double warmSeconds) {
        long warm = System.nanoTime();
        do {
            work.run();
        } while (System.nanoTime() - warm < warmSeconds * 1e9);
        double[] rates = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            work.run();
            rates[r] = items / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        return rates;
    }

    static Map<String, Object> row(String method, int threads, double[] rates) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", null);
        m.put("method", method);
        m.put("batch", null);
        m.put("threads", threads);
        m.put("images_per_s_min", rates[0]);
        m.put("images_per_s_median", rates[rates.length / 2]);
        m.put("images_per_s_max", rates[rates.length - 1]);
        m.put("ratio_to_forward", null);
        m.put("peak_rss_mb", null);
        return m;
    }

    /** Maps like real CAMs: random 7×7 or 14×14 layer maps, ReLU, bilinearly upsampled, min-max normalized. */
    static List<float[]> syntheticMaps(int n, int h, int w, long seed) {
        Random rng = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int s = rng.nextBoolean() ? 7 : 14;
            float[] small = new float[s * s];
            for (int i = 0; i < small.length; i++) {
                small[i] = (float) Math.max(0, rng.nextGaussian());
            }
            out.add(dev.heatbox.explain.Heatmaps.minMaxNormalize(dev.heatbox.explain.Heatmaps.resize(small, s, s, h, w)));
        }
        return out;
    }

    static String cpuModel() {
        try {
            for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        return "unknown";
    }
}
