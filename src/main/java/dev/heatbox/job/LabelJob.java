package dev.heatbox.job;

import dev.heatbox.data.Coco;
import dev.heatbox.data.ClassMap;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.data.ImageLabels;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.Cv;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The auto-labelling job: images → model → heatmap per target → boxes, each with a category and
 * a score = class probability × mean heat inside the box. Unreadable images and images the
 * ground truth lacks are skipped (and listed); images whose top classes map to no category are
 * reported and get no boxes.
 */
public final class LabelJob {
    public static final class Options {
        public double threshold = 0.2;
        public BoxRule boxes = BoxRule.LARGEST;
        public int topK = 1;
        public double minScore = 0;
        public int batch = 16;
        /** Boxes of a category overlapping a better one by IoU above this are dropped; negative: no suppression. */
        public double nms = -1;
        /** Tighten each box with GrabCut seeded from the map ({@link dev.heatbox.localize.GrabCutRefine}). */
        public boolean grabCut;
        /** Image-level labels: each image explained for its labelled categories instead of its top classes; or null. */
        public ImageLabels labels;
        /** With labels: what an image without any gets. */
        public Unlabelled unlabelled = Unlabelled.SKIP;
        /** Receives each labelled image's map (that of its first class with a category, else its top class), or null. */
        public MapSink maps;
    }

    /** With image-level labels, an image the labels do not name: no boxes (listed), or the model's top-K classes. */
    public enum Unlabelled { SKIP, TOP }

    /** Where the job hands each labelled image's heatmap (the review page shows it on demand). */
    @FunctionalInterface
    public interface MapSink {
        void accept(LabeledImage image, Explanation shown);
    }

    /** What a run produced. */
    public record Result(List<LabeledImage> images, List<Coco.Category> categories, List<String> skipped,
                         List<String> unmapped, Map<String, String> imagePaths, Map<String, float[]> firstMaps) {}

    private final SplitModel model;
    private final ExplainEngine engine;
    private final Options opt;
    private final PrintStream progress;

    public LabelJob(SplitModel model, ExplainEngine engine, Options opt, PrintStream progress) {
        this.model = model;
        this.engine = engine;
        this.opt = opt;
        this.progress = progress;
    }

    /**
     * @param classes --classes map or null (then the categories are the model's labels, id = index + 1)
     * @param gt      ground truth whose image ids and category ids are reused, or null
     * @param keepMaps how many images' maps to keep for the review page
     */
    public Result run(List<Path> inputs, ClassMap classes, Coco.Dataset gt, int keepMaps) {
        return run(inputs, classes, gt, keepMaps, Map.of(), null);
    }

    /**
     * @param done    images finished by an interrupted run (from its journal), by file name: not redone
     * @param journal where finished images are recorded after each batch, or null
     */
    public Result run(List<Path> inputs, ClassMap classes, Coco.Dataset gt, int keepMaps, Map<String, LabeledImage> done,
                      Journal journal) {
        Cv.load();
        LabelPlan plan = LabelPlan.make(inputs, model.labels(), classes, gt);
        LabelStep step = new LabelStep(model, engine, opt, plan);
        List<String> skipped = new ArrayList<>(plan.skipped());
        List<String> unmapped = new ArrayList<>();
        Map<String, String> paths = new LinkedHashMap<>();
        Map<String, float[]> maps = new LinkedHashMap<>();
        List<Path> all = new ArrayList<>(plan.ids().keySet());
        List<Path> todo = new ArrayList<>();
        for (Path p : all) {
            if (!done.containsKey(p.getFileName().toString())) {
                todo.add(p);
            }
        }
        Map<String, LabeledImage> fresh = new HashMap<>();
        long t0 = System.nanoTime();
        int finished = 0;
        // decoding runs one batch ahead on its own thread, so the model never waits for JPEG decoding
        ExecutorService decoder = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "heatbox-decode");
            t.setDaemon(true);
            return t;
        });
        Future<LabelStep.Decoded> pending = todo.isEmpty() ? null
                : decoder.submit(() -> step.decode(todo.subList(0, Math.min(todo.size(), opt.batch))));
        dev.heatbox.util.Progress bar = dev.heatbox.util.Progress.on(progress);
        for (int s = 0; s < todo.size(); s += opt.batch) {
            List<Path> chunk = todo.subList(s, Math.min(todo.size(), s + opt.batch));
            LabelStep.Decoded dec;
            try {
                dec = pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            int nextStart = s + opt.batch;
            pending = nextStart < todo.size()
                    ? decoder.submit(() -> step.decode(todo.subList(nextStart, Math.min(todo.size(), nextStart + opt.batch))))
                    : null;
            skipped.addAll(dec.skipped());
            List<LabeledImage> batchOut = new ArrayList<>();
            for (LabelStep.Labeled l : step.label(dec, plan.ids())) {
                String file = l.image().fileName();
                if (l.map() != null && maps.size() < keepMaps) {
                    maps.put(file, l.map());
                }
                if (l.unmapped() != null) {
                    unmapped.add(l.unmapped());
                }
                batchOut.add(l.image());
                fresh.put(file, l.image());
            }
            for (Path p : dec.ok()) {
                paths.put(p.getFileName().toString(), p.toString());
            }
            if (journal != null) {
                journal.record(batchOut);
            }
            finished += chunk.size();
            progress(bar, finished, todo.size(), t0);
        }
        decoder.shutdownNow();
        bar.finish();
        // output in id order, whether an image was done now or by the interrupted run
        List<LabeledImage> out = new ArrayList<>();
        for (Path p : all) {
            String f = p.getFileName().toString();
            LabeledImage li = fresh.containsKey(f) ? fresh.get(f) : done.get(f);
            if (li != null) {
                out.add(li);
                paths.putIfAbsent(f, p.toString());
            }
        }
        return new Result(out, plan.categories(), skipped, unmapped, paths, maps);
    }

    private static void progress(dev.heatbox.util.Progress bar, int done, int total, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        int width = 30;
        int filled = (int) Math.round(width * (double) done / Math.max(1, total));
        long eta = Math.round((total - done) / Math.max(rate, 1e-9));
        bar.update(String.format(Locale.ROOT, "[%s%s] %d/%d images  %.1f img/s  ETA %d:%02d", "=".repeat(filled),
                " ".repeat(width - filled), done, total, rate, eta / 60, eta % 60));
    }

    /** Per-category box counts, for the summary. */
    public static Map<String, Integer> counts(List<LabeledImage> images) {
        Map<String, Integer> c = new TreeMap<>();
        for (LabeledImage im : images) {
            for (LabeledImage.Detection d : im.detections()) {
                c.merge(d.categoryName(), 1, Integer::sum);
            }
        }
        return c;
    }
}
