package dev.heatbox.spark;

import dev.heatbox.export.LabeledImage;
import dev.heatbox.job.Journal;
import dev.heatbox.job.LabelJob;
import dev.heatbox.job.LabelPlan;
import dev.heatbox.data.ImageLabels;
import dev.heatbox.model.SplitModel;
import dev.heatbox.report.ReviewPage;
import dev.heatbox.review.ReviewMaps;
import dev.heatbox.util.Allocator;
import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The label job on Apache Spark. The driver makes the same plan as {@code heatbox label} (ids,
 * categories), cuts the images into partitions of whole batches in labelling order, and each task
 * labels its partition with its executor's model ({@link PartitionLabeller}); the small records
 * come back in partition order, and {@link dev.heatbox.job.LabelOutput} writes the same files the
 * single-JVM run writes. Heatmaps are written by the tasks into OUT/maps (so OUT must be a path
 * every executor can write, e.g. a shared mount), and the report reads its overlays' maps back from
 * there; an unreadable image is skipped in its task and listed, never failing the job.
 */
public final class SparkLabelJob {
    /** How the driver should run it. */
    public record Settings(String master, int batchesPerPartition, Map<String, String> conf) {}

    private SparkLabelJob() {}

    /** The model on the driver (in local mode the same instance the tasks use), for its labels and input size. */
    public static SplitModel driverModel(Path model, String layer, String method, int batch, String norm, String tta,
                                         String fuse) {
        return ExecutorModel.get(model.toAbsolutePath().toString(), layer, method, batch, norm, tta, fuse).model;
    }

    /**
     * Runs the job and gives what the single-JVM job gives.
     * @param done images finished by an earlier, interrupted run (from its part files), by file name
     */
    public static LabelJob.Result run(Settings how, LabelSpec spec, LabelPlan plan, Map<String, LabeledImage> done,
                                      PrintStream log) {
        List<PartitionLabeller.Item> todo = new ArrayList<>();
        plan.ids().forEach((p, id) -> {
            if (!done.containsKey(p.getFileName().toString())) {
                todo.add(new PartitionLabeller.Item(p.toString(), id));
            }
        });
        // partitions of whole batches in labelling order: each batch holds the images it holds in one JVM
        int per = Math.max(1, how.batchesPerPartition()) * spec.batch();
        List<List<PartitionLabeller.Item>> chunks = new ArrayList<>();
        for (int s = 0; s < todo.size(); s += per) {
            chunks.add(new ArrayList<>(todo.subList(s, Math.min(todo.size(), s + per))));
        }
        SparkConf conf = new SparkConf().setAppName("heatbox label");
        if (!how.master().equals("submitted")) {
            conf.setMaster(how.master());
        }
        // executors on other machines do not inherit the launcher's environment: pass its allocator settings on
        Allocator.current().forEach((k, v) -> conf.setIfMissing("spark.executorEnv." + k, v));
        how.conf().forEach(conf::set);
        List<PartitionLabeller.Part> parts = List.of();
        long t0 = System.nanoTime();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            String failOnce = conf.get(PartitionLabeller.FAIL_ONCE, null);
            if (failOnce != null) {
                sc.setLocalProperty(PartitionLabeller.FAIL_ONCE, failOnce);
            }
            log.printf("spark: %d images in %d partitions of up to %d on %s%n", todo.size(), chunks.size(), per, sc.master());
            if (!chunks.isEmpty()) {
                parts = sc.parallelize(chunks, chunks.size()).map(new PartitionLabeller(spec)).collect();
            }
        } catch (Exception e) { // Scala code throws SparkException without declaring it
            if (!(e instanceof SparkException)) {
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
            }
            // Spark's message holds the remote stack trace: keep its first line
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new IllegalStateException("the Spark job failed (" + (first.length() > 300 ? first.substring(0, 300) + "…" : first)
                    + "); the partitions that finished are kept in " + Path.of(spec.out()).resolve(PartitionLabeller.PARTS)
                    + ": rerun with --resume to skip them");
        }
        log.printf("spark: labelled in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return assemble(spec, plan, done, parts);
    }

    /** The single-JVM job's result from the partitions' records (in partition order) and any earlier run's images. */
    private static LabelJob.Result assemble(LabelSpec spec, LabelPlan plan, Map<String, LabeledImage> done,
                                            List<PartitionLabeller.Part> parts) {
        List<String> skipped = new ArrayList<>(plan.skipped());
        List<String> unmapped = new ArrayList<>();
        Map<String, LabeledImage> fresh = new HashMap<>();
        Map<String, String> paths = new LinkedHashMap<>();
        List<LabeledImage> freshInOrder = new ArrayList<>();
        List<String> mapped = new ArrayList<>();
        for (PartitionLabeller.Part p : parts) {
            skipped.addAll(p.skipped());
            unmapped.addAll(p.unmapped());
            mapped.addAll(p.mapped());
            paths.putAll(p.paths());
            p.images().forEach(im -> {
                fresh.put(im.fileName(), im);
                freshInOrder.add(im);
            });
        }
        List<LabeledImage> out = new ArrayList<>();
        for (Path p : plan.ids().keySet()) {
            String f = p.getFileName().toString();
            LabeledImage li = fresh.containsKey(f) ? fresh.get(f) : done.get(f);
            if (li != null) {
                out.add(li);
                paths.putIfAbsent(f, p.toString());
            }
        }
        // the report's overlays: the first images with a mapped class, their maps read back from OUT/maps
        Map<String, float[]> maps = new LinkedHashMap<>();
        Map<String, Long> idOf = new HashMap<>();
        freshInOrder.forEach(im -> idOf.put(im.fileName(), im.imageId()));
        for (String f : mapped) {
            if (maps.size() >= ReviewPage.MAX_ITEMS || !spec.maps()) {
                break;
            }
            ReviewMaps.Stored m = ReviewMaps.read(Path.of(spec.out()), idOf.get(f));
            if (m != null) {
                maps.put(f, m.map()); // the report quantizes maps to the same 8 bits the file holds
            }
        }
        return new LabelJob.Result(out, plan.categories(), skipped, unmapped, paths, maps);
    }

    /** The spec every task gets. */
    public static LabelSpec spec(Path model, String layer, String method, String norm, String tta, String fuse, LabelJob.Options o, Path out, boolean maps,
                                 String settings, LabelPlan plan) {
        return new LabelSpec(model.toString(), layer, method, norm, tta, fuse, o.threshold, o.boxes.toString(),
                o.topK, o.minScore, o.nms, o.grabCut, o.batch, out.toAbsolutePath().toString(),
                Path.of("").toAbsolutePath().toString(), maps, settings, new LinkedHashMap<>(plan.categoryIds()),
                plan.categoryOfClass() == null ? null : new LinkedHashMap<>(plan.categoryOfClass()),
                o.labels == null ? null : labels(o.labels), o.labels == null ? null : o.labels.source(), o.unlabelled.name());
    }

    private static LinkedHashMap<String, ArrayList<String>> labels(ImageLabels l) {
        LinkedHashMap<String, ArrayList<String>> out = new LinkedHashMap<>();
        l.byFile().forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        return out;
    }

    /** The images an interrupted run's tasks finished (their part files), or none. */
    public static Map<String, LabeledImage> resume(Path out, String settings) {
        Map<String, LabeledImage> done = new LinkedHashMap<>();
        Path dir = out.resolve(PartitionLabeller.PARTS);
        if (!Files.isDirectory(dir)) {
            return done;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted(Comparator.naturalOrder()).toList()) {
                done.putAll(Journal.read(f, settings));
            }
        } catch (IOException e) {
            throw BadInputException.of(dir, "cannot read the part files: " + e.getMessage());
        }
        return done;
    }

    /** Removes the part files once every output is in place (or before a fresh run). */
    public static void clearParts(Path out) {
        Path dir = out.resolve(PartitionLabeller.PARTS);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
