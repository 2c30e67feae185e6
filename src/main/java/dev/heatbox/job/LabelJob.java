package dev.heatbox.job;

import dev.heatbox.data.Coco;
import dev.heatbox.data.ClassMap;
import dev.heatbox.data.ImageSources;
import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Explanation;
import dev.heatbox.explain.TargetRule;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.localize.BoxExtractor;
import dev.heatbox.model.SplitModel;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.opencv.core.Mat;

/**
 * The auto-labelling job: images → model → heatmap per target → boxes, each with a category and
 * a score = class probability × mean heat inside the box. Unreadable images and images the
 * ground truth lacks are skipped (and listed); images whose top classes map to no category are
 * reported and get no boxes.
 */
public final class LabelJob {
    public static final class Options {
        public double threshold = 0.2;
        public BoxExtractor.Mode boxes = BoxExtractor.Mode.LARGEST;
        public int topK = 1;
        public double minScore = 0;
        public int batch = 16;
        /** Receives each labelled image's top-class map (the review page shows it on demand), or null. */
        public MapSink maps;
    }

    /** Where the job hands each labelled image's top-class heatmap. */
    @FunctionalInterface
    public interface MapSink {
        void accept(LabeledImage image, Explanation topClass);
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
        List<String> labels = model.labels();
        // categories and their ids
        List<Coco.Category> categories = new ArrayList<>();
        Map<String, Long> catId = new LinkedHashMap<>();
        Map<String, Long> gtCat = new HashMap<>();
        if (gt != null) {
            gt.categories.forEach(c -> gtCat.put(c.name, c.id));
        }
        List<String> names = classes != null ? classes.categories() : labels;
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            long id = i + 1; // the model's labels: index + 1; a --classes map: its order
            if (classes != null && gt != null) {
                if (!gtCat.containsKey(n)) {
                    throw new BadInputException("--classes category '" + n + "' is not a category of the ground truth");
                }
                id = gtCat.get(n); // reuse the ground truth's ids so the results can be scored against it
            }
            if (!catId.containsKey(n)) {
                catId.put(n, id);
                categories.add(new Coco.Category(id, n));
            }
        }
        // image ids
        List<Path> order = new ArrayList<>(inputs);
        order.sort((a, b) -> a.toString().compareTo(b.toString()));
        Map<String, Long> gtIds = new HashMap<>();
        if (gt != null) {
            gt.images.forEach(im -> gtIds.put(Path.of(im.file_name).getFileName().toString(), im.id));
        }
        List<String> skipped = new ArrayList<>();
        Map<Path, Long> ids = new LinkedHashMap<>();
        long next = 1;
        for (Path p : order) {
            if (gt != null) {
                Long id = gtIds.get(p.getFileName().toString());
                if (id == null) {
                    skipped.add(p + ": not in the ground truth (--gt)");
                } else {
                    ids.put(p, id);
                }
            } else {
                ids.put(p, next++);
            }
        }

        BoxExtractor extractor = new BoxExtractor(opt.threshold, opt.boxes);
        List<LabeledImage> out = new ArrayList<>();
        List<String> unmapped = new ArrayList<>();
        Map<String, String> paths = new LinkedHashMap<>();
        Map<String, float[]> maps = new LinkedHashMap<>();
        List<Path> all = new ArrayList<>(ids.keySet());
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
        java.util.concurrent.ExecutorService decoder = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "heatbox-decode");
            t.setDaemon(true);
            return t;
        });
        java.util.concurrent.Future<Decoded> pending = todo.isEmpty() ? null
                : decoder.submit(() -> decode(todo.subList(0, Math.min(todo.size(), opt.batch))));
        for (int s = 0; s < todo.size(); s += opt.batch) {
            List<Path> chunk = todo.subList(s, Math.min(todo.size(), s + opt.batch));
            List<LabeledImage> batchOut = new ArrayList<>();
            Decoded dec;
            try {
                dec = pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
            int nextStart = s + opt.batch;
            pending = nextStart < todo.size()
                    ? decoder.submit(() -> decode(todo.subList(nextStart, Math.min(todo.size(), nextStart + opt.batch))))
                    : null;
            List<Path> ok = dec.ok();
            List<Mat> originals = dec.originals();
            List<float[]> tensors = dec.tensors();
            skipped.addAll(dec.skipped());
            if (!ok.isEmpty()) {
                List<List<Explanation>> perRank = new ArrayList<>();
                for (int r = 0; r < opt.topK; r++) {
                    perRank.add(engine.explain(tensors, TargetRule.rank(r, labels)));
                }
                for (int i = 0; i < ok.size(); i++) {
                    Mat orig = originals.get(i);
                    String file = ok.get(i).getFileName().toString();
                    LabeledImage li = new LabeledImage(ids.get(ok.get(i)), file, orig.cols(), orig.rows(), orig.channels(),
                            new ArrayList<>());
                    paths.put(file, ok.get(i).toString());
                    Set<String> seen = new HashSet<>();
                    for (List<Explanation> rank : perRank) {
                        Explanation e = rank.get(i);
                        String cat = classes != null ? classes.categoryOfClass().get(e.target()) : labels.get(e.target());
                        if (cat == null || !seen.add(cat)) {
                            continue;
                        }
                        if (maps.size() < keepMaps && !maps.containsKey(file)) {
                            maps.put(file, e.map());
                        }
                        for (BoxExtractor.Component c : extractor.extract(e.map(), e.height(), e.width())) {
                            double score = e.targetProbability() * LocalizeJob.meanInside(e.map(), e.width(), c.box());
                            if (score < opt.minScore) {
                                continue;
                            }
                            li.detections().add(new LabeledImage.Detection(catId.get(cat), cat,
                                    c.box().toCocoScaled(e.width(), e.height(), orig.cols(), orig.rows()), score,
                                    engine.method().name()));
                        }
                    }
                    if (opt.maps != null) {
                        opt.maps.accept(li, perRank.get(0).get(i));
                    }
                    if (seen.isEmpty()) {
                        unmapped.add(file + " (top class: " + labels.get(perRank.get(0).get(i).target()) + ")");
                    }
                    batchOut.add(li);
                    fresh.put(file, li);
                }
            }
            if (journal != null) {
                journal.record(batchOut);
            }
            finished += chunk.size();
            progress(finished, todo.size(), t0);
        }
        decoder.shutdownNow();
        progress.println();
        // output in id order, whether an image was done now or by the interrupted run
        for (Path p : all) {
            String f = p.getFileName().toString();
            LabeledImage li = fresh.containsKey(f) ? fresh.get(f) : done.get(f);
            if (li != null) {
                out.add(li);
                paths.putIfAbsent(f, p.toString());
            }
        }
        return new Result(out, categories, skipped, unmapped, paths, maps);
    }

    private record Decoded(List<Path> ok, List<Mat> originals, List<float[]> tensors, List<String> skipped) {}

    /** Reads and converts a batch; unreadable images are named in {@code skipped}, not thrown. */
    private Decoded decode(List<Path> chunk) {
        List<Path> ok = new ArrayList<>();
        List<Mat> originals = new ArrayList<>();
        List<float[]> tensors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path p : chunk) {
            try {
                Mat m = Cv.read(p, model.input().grey());
                originals.add(m);
                tensors.add(model.input().toTensor(m));
                ok.add(p);
            } catch (BadInputException e) {
                skipped.add(e.getMessage());
            }
        }
        return new Decoded(ok, originals, tensors, skipped);
    }

    private void progress(int done, int total, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        int width = 30;
        int filled = (int) Math.round(width * (double) done / Math.max(1, total));
        long eta = Math.round((total - done) / Math.max(rate, 1e-9));
        progress.printf(Locale.ROOT, "\r[%s%s] %d/%d images  %.1f img/s  ETA %d:%02d", "=".repeat(filled),
                " ".repeat(width - filled), done, total, rate, eta / 60, eta % 60);
    }

    /** Per-category box counts, for the summary. */
    public static Map<String, Integer> counts(List<LabeledImage> images) {
        Map<String, Integer> c = new java.util.TreeMap<>();
        for (LabeledImage im : images) {
            for (LabeledImage.Detection d : im.detections()) {
                c.merge(d.categoryName(), 1, Integer::sum);
            }
        }
        return c;
    }
}
