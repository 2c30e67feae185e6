package dev.heatbox.explain;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.data.ImageLabels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GT-known protocol (wsolevaluation's, and what an auditor needs): each image explained for
 * its own labelled categories, each category by the model class that stands for it and scores
 * highest on that image. Categories map to model classes by a --classes map, else by equal names.
 */
public final class GroundTruthTargets {
    /** One labelled category of an image: its id and name, and the model classes that stand for it. */
    public record Target(long categoryId, String category, List<Integer> classes) {}

    private final Map<String, List<Target>> byFile = new HashMap<>();
    private final Set<String> unmappedCategories = new LinkedHashSet<>();

    /** @param classes a --classes map, or null: a category is the model class with the same label */
    public GroundTruthTargets(Coco.Dataset gt, ClassMap classes, List<String> labels) {
        Map<String, List<Integer>> classesOf = classesOf(classes, labels);
        Map<Long, String> names = Coco.categoryNames(gt);
        Map<Long, List<Long>> catsOf = new LinkedHashMap<>();
        for (Coco.Annotation a : gt.annotations) {
            List<Long> cats = catsOf.computeIfAbsent(a.image_id, k -> new ArrayList<>());
            if (!cats.contains(a.category_id)) {
                cats.add(a.category_id); // in the order of first appearance: the first is WSOL's image class
            }
        }
        for (Coco.Image im : gt.images) {
            List<Target> targets = new ArrayList<>();
            for (long c : catsOf.getOrDefault(im.id, List.of())) {
                List<Integer> k = classesOf.get(names.get(c));
                if (k == null || k.isEmpty()) {
                    unmappedCategories.add(names.get(c));
                } else {
                    targets.add(new Target(c, names.get(c), List.copyOf(k)));
                }
            }
            byFile.put(Path.of(im.file_name).getFileName().toString(), targets);
        }
    }

    /**
     * From image-level labels (--labels): each labelled image's categories, numbered 1, 2, … in order
     * of first appearance; a label without a --classes map names a model class by label (exactly, then
     * ignoring case, a synonym) or by index. Images without labels are absent ({@link #of} gives null).
     */
    public GroundTruthTargets(ImageLabels given, ClassMap classes, List<String> labels) {
        Map<String, List<Integer>> classesOf = classesOf(classes, labels);
        Map<String, Long> ids = new LinkedHashMap<>();
        given.byFile().forEach((file, cats) -> {
            List<Target> targets = new ArrayList<>();
            for (String c : cats) {
                long id = ids.computeIfAbsent(c, k -> (long) ids.size() + 1);
                List<Integer> k = classesOf.get(c);
                if ((k == null || k.isEmpty()) && classes == null) {
                    k = byNameOrIndex(c, labels);
                }
                if (k == null || k.isEmpty()) {
                    unmappedCategories.add(c);
                } else {
                    targets.add(new Target(id, c, List.copyOf(k)));
                }
            }
            byFile.put(file, targets);
        });
    }

    private static List<Integer> byNameOrIndex(String c, List<String> labels) {
        int k = ClassMap.classByName(c, labels);
        return k < 0 ? null : List.of(k);
    }

    /** Category name → the model classes that stand for it: by a --classes map, else the classes with that label. */
    public static Map<String, List<Integer>> classesOf(ClassMap classes, List<String> labels) {
        Map<String, List<Integer>> out = new HashMap<>();
        if (classes != null) {
            classes.categoryOfClass().forEach((k, v) -> out.computeIfAbsent(v, x -> new ArrayList<>()).add(k));
        } else {
            for (int i = 0; i < labels.size(); i++) {
                out.computeIfAbsent(labels.get(i), x -> new ArrayList<>()).add(i);
            }
        }
        return out;
    }

    /** Of {@code candidates}, the class scoring highest for image {@code i} of {@code p} [n × classes]; −1 if none is a class. */
    public static int best(float[] p, int i, int classes, List<Integer> candidates) {
        int best = -1;
        for (int c : candidates) {
            if (c < classes && (best < 0 || p[i * classes + c] > p[i * classes + best])) {
                best = c;
            }
        }
        return best;
    }

    /** The image's labelled categories that a model class stands for; null when the ground truth has no such image. */
    public List<Target> of(Path image) {
        return byFile.get(image.getFileName().toString());
    }

    /** Categories of the ground truth that no model class stands for (their images are explained for the others). */
    public Set<String> unmappedCategories() {
        return unmappedCategories;
    }

    /**
     * The rule for the k-th target of each image of a batch: its best-scoring class. An image with
     * fewer targets gets its top-1 class, which the caller does not write.
     */
    public static TargetRule rule(List<List<Target>> batch, int k, List<String> labels) {
        TargetRule top = TargetRule.rank(0, labels);
        return (p, n, classes) -> {
            int[] t = top.choose(p, n, classes);
            for (int i = 0; i < n; i++) {
                if (k < batch.get(i).size()) {
                    int best = best(p, i, classes, batch.get(i).get(k).classes());
                    t[i] = best < 0 ? t[i] : best;
                }
            }
            return t;
        };
    }
}
