package dev.heatbox.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Image-level labels, the weak labels a user keeps: which categories each image shows, no boxes.
 * Read from {@code --labels} in the forms users have them:
 * <ul>
 *   <li>{@code FILE.csv}: lines {@code file_name,category}, one per image and category (a header line
 *       {@code file_name,category} allowed; fields may be double-quoted);
 *   <li>{@code FILE.json}: {@code {"file_name": ["category", ...]}};
 *   <li>{@code coco:FILE.json}: the categories present in each image of a COCO file (boxes ignored);
 *   <li>{@code folders}: the image's parent folder under {@code --images} is its category (ImageNet / Keras layout).
 * </ul>
 * Images are matched by file name (outputs are named by it, so it is unique in a run). A label naming
 * an image that is not among the run's images is one line in {@link #problems}, not an error.
 *
 * @param byFile   file name → its categories, in the order given, without repeats
 * @param problems one line per label that names no image of the run
 * @param source   the --labels value, for the summary and the journal
 */
public record ImageLabels(Map<String, List<String>> byFile, List<String> problems, String source) {
    public static final String FOLDERS = "folders";

    /** @param spec the --labels value; {@code images} the run's images, {@code root} the --images path */
    public static ImageLabels read(String spec, Path root, List<Path> images) {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        if (spec.equals(FOLDERS)) {
            Path base = root.toAbsolutePath().normalize();
            for (Path p : images) {
                Path parent = p.toAbsolutePath().normalize().getParent();
                if (parent != null && !parent.equals(base) && parent.startsWith(base)) {
                    raw.put(p.getFileName().toString(), List.of(base.relativize(parent).getName(0).toString()));
                }
            }
            return new ImageLabels(raw, List.of(), spec);
        }
        Path file;
        if (spec.startsWith("coco:")) {
            file = Path.of(spec.substring(5));
            readCoco(file, raw);
        } else if (spec.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            file = Path.of(spec);
            readCsv(file, raw);
        } else if (spec.toLowerCase(java.util.Locale.ROOT).endsWith(".json")) {
            file = Path.of(spec);
            readJson(file, raw);
        } else {
            throw new IllegalArgumentException("--labels: FILE.csv, FILE.json, coco:FILE.json or folders, got '" + spec + "'");
        }
        Set<String> present = new HashSet<>();
        images.forEach(p -> present.add(p.getFileName().toString()));
        Map<String, List<String>> byFile = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        raw.forEach((name, cats) -> {
            if (present.contains(name)) {
                byFile.put(name, cats);
            } else {
                problems.add(file + ": labels '" + name + "', which is not among the images");
            }
        });
        return new ImageLabels(byFile, problems, spec);
    }

    /** The image's categories, or an empty list when it has no label. */
    public List<String> of(Path image) {
        return byFile.getOrDefault(image.getFileName().toString(), List.of());
    }

    private static void add(Map<String, List<String>> raw, String fileName, String category) {
        String name = Path.of(fileName).getFileName().toString();
        List<String> cats = raw.computeIfAbsent(name, k -> new ArrayList<>());
        if (!cats.contains(category)) {
            cats.add(category);
        }
    }

    private static void readCsv(Path file, Map<String, List<String>> raw) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read the labels file");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1); // a byte-order mark from spreadsheet exports
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> f = csvFields(line);
            if (f.size() != 2 || f.get(0).isEmpty() || f.get(1).isEmpty()) {
                throw BadInputException.of(file, "line " + (i + 1) + ": expected file_name,category, found '" + line + "'");
            }
            if (i == 0 && f.get(0).equals("file_name") && f.get(1).equals("category")) {
                continue;
            }
            add(raw, f.get(0), f.get(1));
        }
    }

    /** One CSV line's fields: commas separate, double quotes enclose (a doubled quote is a quote). */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString().strip());
        return out;
    }

    private static void readJson(Path file, Map<String, List<String>> raw) {
        JsonNode root = Json.readTree(file);
        if (!root.isObject()) {
            throw BadInputException.of(file, "expected {\"file_name\": [\"category\", ...]}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            List<JsonNode> cats = new ArrayList<>();
            if (v.isArray()) {
                v.forEach(cats::add);
            } else {
                cats.add(v);
            }
            for (JsonNode c : cats) {
                if (!c.isTextual() && !c.isIntegralNumber()) {
                    throw BadInputException.of(file, "'" + e.getKey() + "': categories are names (or class indexes), found " + c);
                }
                add(raw, e.getKey(), c.asText());
            }
            raw.computeIfAbsent(Path.of(e.getKey()).getFileName().toString(), k -> new ArrayList<>());
        }
    }

    private static void readCoco(Path file, Map<String, List<String>> raw) {
        Coco.Dataset d = CocoReader.readAsPycocotools(file);
        Map<Long, String> names = Coco.categoryNames(d);
        Map<Long, String> fileOf = new HashMap<>();
        for (Coco.Image im : d.images) {
            if (im.file_name != null) {
                fileOf.put(im.id, im.file_name);
                raw.computeIfAbsent(Path.of(im.file_name).getFileName().toString(), k -> new ArrayList<>());
            }
        }
        for (Coco.Annotation a : d.annotations) {
            String f = fileOf.get(a.image_id);
            String n = names.get(a.category_id);
            if (f != null && n != null) {
                add(raw, f, n);
            }
        }
    }
}
