package dev.heatbox.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Label Studio tasks with pre-annotations: one task per image, {@code data.image} the image path,
 * one prediction ({@code model_version} = "heatbox-" + method, {@code score} = the best box score)
 * whose {@code result} items are {@code rectanglelabels} with x, y, width, height in percent of the
 * image, {@code original_width}/{@code original_height}, {@code from_name} "label" and
 * {@code to_name} "image" — the names of a labelling config
 * {@code <Image name="image" value="$image"/><RectangleLabels name="label" toName="image">…}.
 */
public final class LabelStudioExport {
    public static final String FROM_NAME = "label";
    public static final String TO_NAME = "image";

    private LabelStudioExport() {}

    public static void write(Path file, List<LabeledImage> images, Map<String, String> imagePaths) {
        write(file, images, imagePaths, null);
    }

    /**
     * @param imageRoot null: {@code data.image} is the image's path; else that prefix and the
     *                  URL-encoded file name, e.g. {@code /data/local-files/?d=photos/} for a Label Studio
     *                  server serving local files (LOCAL_FILES_DOCUMENT_ROOT above {@code photos/})
     */
    public static void write(Path file, List<LabeledImage> images, Map<String, String> imagePaths, String imageRoot) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (LabeledImage im : images) {
            List<Map<String, Object>> result = new ArrayList<>();
            double best = 0;
            String method = "heatbox";
            int k = 0;
            for (LabeledImage.Detection d : im.detections()) {
                double[] b = d.bbox();
                Map<String, Object> value = new LinkedHashMap<>();
                value.put("x", 100.0 * b[0] / im.width());
                value.put("y", 100.0 * b[1] / im.height());
                value.put("width", 100.0 * b[2] / im.width());
                value.put("height", 100.0 * b[3] / im.height());
                value.put("rotation", 0);
                value.put("rectanglelabels", List.of(d.categoryName()));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", im.stem() + "_" + (k++));
                r.put("type", "rectanglelabels");
                r.put("from_name", FROM_NAME);
                r.put("to_name", TO_NAME);
                r.put("original_width", im.width());
                r.put("original_height", im.height());
                r.put("value", value);
                r.put("score", d.score());
                result.add(r);
                best = Math.max(best, d.score());
                method = "heatbox-" + d.method();
            }
            Map<String, Object> prediction = new LinkedHashMap<>();
            prediction.put("model_version", method);
            prediction.put("score", best);
            prediction.put("result", result);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put(TO_NAME, imageRoot == null ? imagePaths.getOrDefault(im.fileName(), im.fileName())
                    : imageRoot + URLEncoder.encode(im.fileName(), StandardCharsets.UTF_8).replace("+", "%20"));
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("data", data);
            task.put("predictions", List.of(prediction));
            tasks.add(task);
        }
        Json.write(file, tasks);
    }

    /** Boxes read back, per image path: [label, x, y, w, h in pixels]. */
    public static Map<String, List<Object[]>> read(Path file) {
        JsonNode root = Json.readTree(file);
        if (!root.isArray()) {
            throw BadInputException.of(file, "expected a list of Label Studio tasks");
        }
        Map<String, List<Object[]>> out = new LinkedHashMap<>();
        for (JsonNode t : root) {
            String image = t.path("data").path(TO_NAME).asText();
            List<Object[]> boxes = new ArrayList<>();
            for (JsonNode r : t.path("predictions").path(0).path("result")) {
                JsonNode v = r.get("value");
                double w = r.get("original_width").asDouble();
                double h = r.get("original_height").asDouble();
                boxes.add(new Object[] {v.get("rectanglelabels").get(0).asText(), v.get("x").asDouble() * w / 100,
                    v.get("y").asDouble() * h / 100, v.get("width").asDouble() * w / 100, v.get("height").asDouble() * h / 100});
            }
            out.put(image, boxes);
        }
        return out;
    }
}
