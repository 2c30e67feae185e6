package dev.heatbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.data.DigitSynth;
import dev.heatbox.data.ImageSources;
import dev.heatbox.data.Mnist;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Methods;
import dev.heatbox.export.CocoExport;
import dev.heatbox.export.VocExport;
import dev.heatbox.job.LabelJob;
import dev.heatbox.model.CamTrainer;
import dev.heatbox.model.Engines;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import dev.heatbox.model.TrainConfig;
import dev.heatbox.util.Allocator;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** heatbox bench's whole-job figures: CAM training, the label job, and memory over many images. */
final class PipelineBench {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private PipelineBench() {}

    /** Generates {@code count} digits into work/digits (train, val, test). */
    static void digits(Path work, int count) throws IOException {
        DigitSynth.Options o = new DigitSynth.Options();
        o.count = count;
        new DigitSynth(Mnist.load(Shipped.path("datasets/mnist-10k")), o).writeAll(work.resolve("digits"));
    }

    /** The same training on each engine on work/digits/train, one row each; returns the first engine's model folder. */
    static Path trainDigits(Path work, int epochs, List<Map<String, Object>> rows, int threads,
                            List<String> engines) throws IOException {
        TrainConfig c = TrainConfig.read(Shipped.path("configs/train-cam-digits.json"));
        c.training.epochs = epochs;
        DatasetFolder.Loaded train = DatasetFolder.read(work.resolve("digits/train"));
        CamTrainer.Tensors t = CamTrainer.load(train, c.input);
        for (String engine : engines) {
            CamTrainer.Result r = new CamTrainer(c, QUIET, engine).train(t, null, CamTrainer.classNames(train),
                    work.resolve("cam-" + Engines.name(engine)));
            // after the first epoch, as the reference loop times its steps after a warm-up
            double[] rate = {r.steadyImagesPerSecond(t.size())};
            Map<String, Object> row = ModelBench.row("cam-digits", Engines.name(engine), "train", c.training.batch_size,
                    threads, rate, Double.NaN);
            row.put("ratio_to_forward", null);
            row.put("whole_run_images_per_s", r.imagesPerSecond());
            row.put("peak_rss_mb", peakRssMb());
            rows.add(row);
        }
        return work.resolve("cam-" + Engines.name(engines.get(0)));
    }

    /** The label job end to end on a folder (decode → model → Grad-CAM → boxes → COCO/VOC export). */
    static double[] labelJob(Path modelDir, Path images, int batch, int reps, Path out) {
        List<Path> files = ImageSources.list(images);
        double[] rates = new double[reps];
        try (SplitModel m = Models.load(modelDir, null, null)) {
            for (int r = -1; r < reps; r++) { // r = −1: warm-up
                long t0 = System.nanoTime();
                LabelJob.Options o = new LabelJob.Options();
                o.batch = batch;
                LabelJob.Result res = new LabelJob(m, new ExplainEngine(m, Methods.create("gradcam", batch)), o, QUIET)
                        .run(files, null, null, 0);
                CocoExport.writeResults(out.resolve("coco/results.json"), res.images());
                VocExport.writeAll(out.resolve("voc"), res.images());
                if (r >= 0) {
                    rates[r] = files.size() / ((System.nanoTime() - t0) / 1e9);
                }
            }
        }
        java.util.Arrays.sort(rates);
        return rates;
    }

    /** RSS after labelling {@code small} images and after {@code large} more, in one JVM. */
    static long[] rssAfter(Path modelDir, Path images, int small, int large) {
        List<Path> files = ImageSources.list(images);
        List<Path> all = new ArrayList<>();
        for (int i = 0; all.size() < large; i++) {
            all.add(files.get(i % files.size()));
        }
        long[] out = new long[2];
        try (SplitModel m = Models.load(modelDir, null, null)) {
            LabelJob.Options o = new LabelJob.Options();
            ExplainEngine e = new ExplainEngine(m, Methods.create("gradcam", 16));
            // the same file may come back: each pass is a separate job, so ids and names never clash
            int done = 0;
            while (done < large) {
                int n = Math.min(files.size(), large - done);
                new LabelJob(m, e, o, QUIET).run(files.subList(0, n), null, null, 0);
                done += n;
                if (done >= small && out[0] == 0) {
                    System.gc();
                    out[0] = rssMb();
                }
            }
            System.gc();
            out[1] = rssMb();
        }
        return out;
    }

    static long rssMb() {
        return statusKb("VmRSS:") / 1024;
    }

    /**
     * The same network trained by a plain PyTorch loop (tools/torch_train_reference.py) with the
     * same threads, when a python3 with torch is on this machine: one row with this process's
     * environment (the launcher's allocator settings, see {@link Allocator}) and one without them,
     * as the loop runs from a plain shell. Empty when no python has torch.
     */
    static List<Map<String, Object>> referenceTraining(int threads, boolean quick) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (boolean same : new boolean[] {true, false}) {
            Map<String, Object> row = referenceRow(threads, quick, same);
            if (row == null) {
                break;
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Object> referenceRow(int threads, boolean quick, boolean sameEnvironment) {
        Path script = Shipped.path("tools/torch_train_reference.py");
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--threads", String.valueOf(threads),
                        "--steps", quick ? "30" : "100", "--config", Shipped.path("configs/train-cam-digits.json").toString())
                        .redirectErrorStream(true);
                if (!sameEnvironment) {
                    Allocator.VARIABLES.forEach(pb.environment()::remove);
                }
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                if (p.waitFor() != 0) {
                    continue; // no torch in this python: try the next one
                }
                JsonNode r = Json.MAPPER.readTree(out.substring(out.lastIndexOf('\n') + 1));
                double[] rate = {r.get("images_per_s").asDouble()};
                String allocator = sameEnvironment && !Allocator.current().isEmpty() ? "heatbox's allocator settings"
                        : "default allocator";
                Map<String, Object> row = ModelBench.row("cam-digits", "python torch " + r.get("torch").asText()
                                + " loop, " + allocator, "train", r.get("batch").asInt(), threads, rate, Double.NaN);
                row.put("ratio_to_forward", null);
                return row;
            } catch (IOException | RuntimeException e) {
                // not there or not runnable: the next one, or no reference row
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    static long peakRssMb() {
        return statusKb("VmHWM:") / 1024;
    }

    private static long statusKb(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
