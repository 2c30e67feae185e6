package dev.heatbox.job;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.util.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a label run decides before any image is read, the same on one machine and on a cluster:
 * the categories and their ids, and each image's COCO id in the order the images are labelled
 * (byte order of the paths). Images the ground truth lacks are skipped here.
 *
 * @param categories      the output's categories
 * @param categoryIds     category name → id
 * @param categoryOfClass model class index → category name (a --classes map), or null: the model's labels
 * @param ids             image → COCO id, in labelling order
 * @param skipped         images left out before labelling, one line each
 */
public record LabelPlan(List<Coco.Category> categories, Map<String, Long> categoryIds, Map<Integer, String> categoryOfClass,
                        Map<Path, Long> ids, List<String> skipped) {

    /** What an image-level label stands for: the output category and the model classes that can be it. */
    public record Target(String category, List<Integer> classes) {}

    /**
     * The category and classes an image-level label names, or null when it names none: with a
     * --classes map, one of its categories; else a model class by label, synonym or index
     * ({@link ClassMap#classByName}).
     */
    public Target target(String label, List<String> modelLabels) {
        if (categoryOfClass != null) {
            if (!categoryIds.containsKey(label)) {
                return null;
            }
            List<Integer> classes = new ArrayList<>();
            categoryOfClass.forEach((k, v) -> {
                if (v.equals(label)) {
                    classes.add(k);
                }
            });
            classes.sort(null);
            return classes.isEmpty() ? null : new Target(label, classes);
        }
        int idx = ClassMap.classByName(label, modelLabels);
        return idx < 0 ? null : new Target(modelLabels.get(idx), List.of(idx));
    }

    /**
     * @param labels  the model's labels
     * @param classes --classes map or null (then the categories are the model's labels, id = index + 1)
     * @param gt      ground truth whose image ids and category ids are reused, or null
     */
    public static LabelPlan make(List<Path> inputs, List<String> labels, ClassMap classes, Coco.Dataset gt) {
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
        return new LabelPlan(categories, catId, classes == null ? null : classes.categoryOfClass(), ids, skipped);
    }
}
