package dev.heatbox.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code --classes MAP.json}: dataset category name → the model classes that stand for it, each
 * an index into the model's labels or a label name ({"dog": [152, 153, …], "truck": ["pickup", …]}).
 */
public record ClassMap(List<String> categories, Map<Integer, String> categoryOfClass) {

    public static ClassMap read(Path file, List<String> labels) {
        JsonNode root = Json.readTree(file);
        if (!root.isObject()) {
            throw BadInputException.of(file, "expected an object {\"category\": [class, …]}");
        }
        List<String> cats = new ArrayList<>();
        Map<Integer, String> of = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                throw BadInputException.of(file, "'" + e.getKey() + "' must map to a list of classes");
            }
            cats.add(e.getKey());
            for (JsonNode c : e.getValue()) {
                int idx;
                if (c.isIntegralNumber()) {
                    idx = c.asInt();
                    if (idx < 0 || idx >= labels.size()) {
                        throw BadInputException.of(file, "'" + e.getKey() + "': class index " + idx + " is outside 0.."
                                + (labels.size() - 1));
                    }
                } else if (c.isTextual()) {
                    idx = labels.indexOf(c.asText());
                    if (idx < 0) {
                        throw BadInputException.of(file, "'" + e.getKey() + "': class '" + c.asText() + "' is not a label of the model");
                    }
                } else {
                    throw BadInputException.of(file, "'" + e.getKey() + "': classes are indexes or label names, found " + c);
                }
                String prev = of.put(idx, e.getKey());
                if (prev != null && !prev.equals(e.getKey())) {
                    throw BadInputException.of(file, "class " + idx + " is mapped to both '" + prev + "' and '" + e.getKey() + "'");
                }
            }
        }
        return new ClassMap(cats, of);
    }

    /**
     * The model class a category names without a map: its label exactly, else ignoring case, else one
     * of the label's comma-separated synonyms ("African elephant" for "African elephant, Loxodonta
     * africana"), else a class index; −1 when none. The first class wins where several match.
     */
    public static int classByName(String category, List<String> labels) {
        int idx = labels.indexOf(category);
        for (int i = 0; idx < 0 && i < labels.size(); i++) {
            idx = labels.get(i).equalsIgnoreCase(category) ? i : -1;
        }
        for (int i = 0; idx < 0 && i < labels.size(); i++) {
            for (String synonym : labels.get(i).split(",")) {
                if (synonym.strip().equalsIgnoreCase(category.strip())) {
                    idx = i;
                    break;
                }
            }
        }
        if (idx < 0 && category.matches("\\d{1,9}") && Integer.parseInt(category) < labels.size()) {
            idx = Integer.parseInt(category);
        }
        return idx;
    }
}
