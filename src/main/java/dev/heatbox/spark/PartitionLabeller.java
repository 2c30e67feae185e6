package dev.heatbox.spark;

import dev.heatbox.export.LabeledImage;
import dev.heatbox.job.Journal;
import dev.heatbox.job.LabelStep;
import dev.heatbox.util.AtomicFiles;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * A Spark task: labels one partition's images with the executor's model, batch by batch as the
 * single-JVM job cuts them, and returns small records. It also leaves the partition's results in
 * {@code OUT/.spark-parts/} (temp file + rename), so a rerun with --resume skips them.
 */
final class PartitionLabeller implements Function<List<PartitionLabeller.Item>, PartitionLabeller.Part> {
    /** One image to label: its path as the driver listed it (relative ones to {@link LabelSpec#base()}) and its COCO id. */
    record Item(String path, long id) implements Serializable {}

    /** What a partition gives back, in its images' order. */
    record Part(List<LabeledImage> images, List<String> skipped, List<String> unmapped, List<String> mapped,
                LinkedHashMap<String, String> paths) implements Serializable {}

    static final String PARTS = ".spark-parts";
    /** Test hook (a Spark conf key): the first attempt of the partition with this index fails, as a lost task would. */
    static final String FAIL_ONCE = "spark.heatbox.test.failPartitionOnce";

    private final LabelSpec spec;

    PartitionLabeller(LabelSpec spec) {
        this.spec = spec;
    }

    @Override
    public Part call(List<Item> items) {
        TaskContext task = TaskContext.get();
        if (task != null && task.attemptNumber() == 0
                && String.valueOf(task.partitionId()).equals(task.getLocalProperty(FAIL_ONCE))) {
            throw new IllegalStateException("failing the first attempt of partition " + task.partitionId() + " (test hook)");
        }
        ExecutorModel em = ExecutorModel.get(spec);
        LabelStep step = new LabelStep(em.model, em.engine, spec.options(), spec.plan(), Path.of(spec.base()));
        Map<Path, Long> ids = new LinkedHashMap<>();
        items.forEach(i -> ids.put(Path.of(i.path()), i.id()));
        List<Path> paths = new ArrayList<>(ids.keySet());
        Part part = new Part(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
        for (int s = 0; s < paths.size(); s += spec.batch()) {
            LabelStep.Decoded dec = step.decode(paths.subList(s, Math.min(paths.size(), s + spec.batch())));
            part.skipped().addAll(dec.skipped());
            List<LabelStep.Labeled> done;
            synchronized (em.lock) {
                done = step.label(dec, ids);
            }
            for (LabelStep.Labeled l : done) {
                part.images().add(l.image());
                if (l.unmapped() != null) {
                    part.unmapped().add(l.unmapped());
                }
                if (l.map() != null) {
                    part.mapped().add(l.image().fileName());
                }
            }
            dec.ok().forEach(p -> part.paths().put(p.getFileName().toString(), p.toString()));
        }
        if (!items.isEmpty()) {
            saveForResume(Path.of(spec.out()).resolve(PARTS).resolve("part-" + items.get(0).id() + ".jsonl"), part.images());
        }
        return part;
    }

    /** The partition's labelled images as a journal (the single-JVM --resume format), written whole. */
    private void saveForResume(Path file, List<LabeledImage> images) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try (Journal j = Journal.start(tmp, spec.settings())) {
                j.record(images);
            }
            AtomicFiles.move(tmp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
