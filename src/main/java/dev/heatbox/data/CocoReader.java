package dev.heatbox.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads COCO ground truth and results lists field by field, so that a wrong type or a
 * negative width is reported with the file and the field that holds it.
 */
public final class CocoReader {
    /** The problem line of ground truth without a 'categories' list (pycocotools' COCO() then fails in getCatIds). */
    public static final String NO_CATEGORIES = "no 'categories' list";

    private CocoReader() {}

    /** A dataset's ground truth: an annotation naming no image or category, or a duplicated image id, is bad input. */
    public static Coco.Dataset readDataset(Path file) {
        return readDataset(file, Json.readTree(file));
    }

    public static Coco.Dataset readDataset(Path file, JsonNode root) {
        Coco.Dataset d = readAsPycocotools(file, root);
        for (String p : d.problems) {
            // a dataset may leave out categories and repeat annotation ids; the rest is refused
            if (!p.equals(NO_CATEGORIES) && !p.contains("annotation id")) {
                throw BadInputException.of(file, p);
            }
        }
        return d;
    }

    /**
     * Ground truth as pycocotools' COCO() takes it: whatever it accepts is read, and what a dataset
     * should not have is listed in {@link Coco.Dataset#problems} (the evaluator then does what
     * pycocotools does with it) instead of refused.
     */
    public static Coco.Dataset readAsPycocotools(Path file) {
        return readAsPycocotools(file, Json.readTree(file));
    }

    static Coco.Dataset readAsPycocotools(Path file, JsonNode root) {
        if (!root.isObject()) {
            throw BadInputException.of(file, "expected a COCO JSON object with images/annotations/categories");
        }
        Coco.Dataset d = new Coco.Dataset();
        JsonNode images = array(file, root, "images", true);
        Set<Long> imageIds = new HashSet<>();
        for (int i = 0; i < images.size(); i++) {
            JsonNode n = images.get(i);
            String where = "images[" + i + "]";
            Coco.Image im = new Coco.Image(longField(file, n, where, "id"),
                    textField(file, n, where, "file_name", false),
                    (int) numField(file, n, where, "width", false, 0),
                    (int) numField(file, n, where, "height", false, 0));
            if (!imageIds.add(im.id)) {
                d.problems.add(where + ".id " + im.id + " is duplicated");
            }
            d.images.add(im);
        }
        JsonNode cats = array(file, root, "categories", false);
        Set<Long> catIds = new HashSet<>();
        if (cats == null) {
            d.problems.add(NO_CATEGORIES);
        } else {
            for (int i = 0; i < cats.size(); i++) {
                JsonNode n = cats.get(i);
                String where = "categories[" + i + "]";
                Coco.Category c = new Coco.Category(longField(file, n, where, "id"), textField(file, n, where, "name", false));
                if (!catIds.add(c.id)) {
                    d.problems.add(where + ".id " + c.id + " is a duplicated category id");
                }
                d.categories.add(c);
            }
        }
        // pycocotools' COCO() indexes 'annotations' only when the key is there: a file without it has none
        JsonNode anns = array(file, root, "annotations", false);
        if (anns == null) {
            anns = Json.MAPPER.createArrayNode();
        }
        Set<Long> annIds = new HashSet<>();
        for (int i = 0; i < anns.size(); i++) {
            JsonNode n = anns.get(i);
            String where = "annotations[" + i + "]";
            Coco.Annotation a = new Coco.Annotation();
            // id, area and iscrowd: COCOeval reads them for every annotation it evaluates; a dataset may
            // leave them out (defaults below), the evaluator refuses an evaluated one without them
            a.absent = absent(n, where, "id", "iscrowd", "area");
            a.id = n.has("id") ? longField(file, n, where, "id") : i + 1;
            a.image_id = longField(file, n, where, "image_id");
            a.category_id = longField(file, n, where, "category_id");
            a.bbox = bbox(file, n, where);
            a.area = n.hasNonNull("area") ? numField(file, n, where, "area", true, 0) : a.bbox[2] * a.bbox[3];
            a.iscrowd = crowd(file, n, where);
            if (!imageIds.contains(a.image_id)) {
                d.problems.add(where + ".image_id " + a.image_id + " names no image in 'images'");
            }
            if (!catIds.isEmpty() && !catIds.contains(a.category_id)) {
                d.problems.add(where + ".category_id " + a.category_id + " names no category");
            }
            if (!annIds.add(a.id)) {
                d.problems.add(where + ".id " + a.id + " is a duplicated annotation id");
            }
            d.annotations.add(a);
        }
        return d;
    }

    /**
     * A results list [{image_id, category_id, bbox, score}]; also accepts a COCO file's annotations.
     * A result without a score reads as score 1 with {@link Coco.Result#scored} false: the evaluator
     * refuses it where pycocotools would read the score, unless told to assume one.
     */
    public static List<Coco.Result> readResults(Path file) {
        JsonNode root = Json.readTree(file);
        JsonNode list = root;
        if (root.isObject() && root.has("annotations")) {
            list = root.get("annotations");
        }
        if (!list.isArray()) {
            throw BadInputException.of(file, "expected a COCO results list [{image_id, category_id, bbox, score}]");
        }
        List<Coco.Result> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String where = "[" + i + "]";
            if (!n.isObject()) {
                throw BadInputException.of(file, where + " is not an object");
            }
            boolean scored = n.hasNonNull("score");
            double score = scored ? numField(file, n, where, "score", true, 0) : 1.0;
            Coco.Result r = new Coco.Result(longField(file, n, where, "image_id"), longField(file, n, where, "category_id"),
                    bbox(file, n, where), score);
            r.scored = scored;
            out.add(r);
        }
        return out;
    }

    /** "where.key" for each of these keys the object lacks (or holds null), in the order given; empty when none. */
    private static List<String> absent(JsonNode n, String where, String... keys) {
        List<String> out = new ArrayList<>(0);
        for (String k : keys) {
            if (!n.hasNonNull(k)) {
                out.add(where + "." + k);
            }
        }
        return out;
    }

    /** iscrowd as pycocotools reads it (int(x), truthiness): a number or a boolean, 0 when absent. */
    private static int crowd(Path file, JsonNode n, String where) {
        JsonNode v = n.get("iscrowd");
        if (v != null && v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        return (int) numField(file, n, where, "iscrowd", false, 0);
    }

    private static JsonNode array(Path file, JsonNode root, String key, boolean required) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw BadInputException.of(file, "missing '" + key + "' list");
            }
            return null;
        }
        if (!n.isArray()) {
            throw BadInputException.of(file, "'" + key + "' must be a list, found " + n.getNodeType());
        }
        return n;
    }

    private static double[] bbox(Path file, JsonNode n, String where) {
        JsonNode b = n.get("bbox");
        if (b == null || !b.isArray() || b.size() != 4) {
            throw BadInputException.of(file, where + ".bbox must be [x, y, w, h]");
        }
        double[] out = new double[4];
        for (int k = 0; k < 4; k++) {
            if (!b.get(k).isNumber()) {
                throw BadInputException.of(file, where + ".bbox[" + k + "] is not a number: " + b.get(k));
            }
            out[k] = b.get(k).asDouble();
            if (!Double.isFinite(out[k])) {
                throw BadInputException.of(file, where + ".bbox[" + k + "] is not finite");
            }
        }
        if (out[2] < 0 || out[3] < 0) {
            throw BadInputException.of(file, where + ".bbox has a negative width or height: " + b);
        }
        return out;
    }

    private static long longField(Path file, JsonNode n, String where, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw BadInputException.of(file, where + "." + key + " is missing");
        }
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw BadInputException.of(file, where + "." + key + " must be an integer, found " + v);
        }
        return v.asLong();
    }

    private static double numField(Path file, JsonNode n, String where, String key, boolean required, double dflt) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw BadInputException.of(file, where + "." + key + " is missing");
            }
            return dflt;
        }
        if (!v.isNumber()) {
            throw BadInputException.of(file, where + "." + key + " must be a number, found " + v);
        }
        return v.asDouble();
    }

    private static String textField(Path file, JsonNode n, String where, String key, boolean required) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw BadInputException.of(file, where + "." + key + " is missing");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw BadInputException.of(file, where + "." + key + " must be a string, found " + v);
        }
        return v.asText();
    }
}
