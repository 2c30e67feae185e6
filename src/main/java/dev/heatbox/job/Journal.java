package dev.heatbox.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The label job's journal: a header line with the run's settings, then one JSON line per labelled
 * image, appended and forced to disk after every batch. After a crash (even kill -9) a run with
 * --resume reads the complete lines, skips those images, and produces the same output files. A
 * torn last line is ignored.
 */
public final class Journal implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Starts a new journal (replacing any old one) with the settings as its header. */
    public static Journal start(Path file, String settings) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            Journal j = new Journal(file, ch);
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("settings", settings);
            j.append(List.of(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(h)));
            return j;
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot write the journal: " + e.getMessage());
        }
    }

    /** Reopens a journal for appending after reading what it holds. */
    public static Journal reopen(Path file) {
        try {
            return new Journal(file, FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot append to the journal: " + e.getMessage());
        }
    }

    /** The images a journal holds, by file name; refuses a journal written with other settings. */
    public static Map<String, LabeledImage> read(Path file, String settings) {
        Map<String, LabeledImage> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read the journal: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n;
            try {
                n = Json.MAPPER.readTree(lines.get(i));
            } catch (IOException e) {
                if (i == lines.size() - 1) {
                    break; // torn last line: the batch it belonged to is done again
                }
                throw BadInputException.of(file, "line " + (i + 1) + " is not JSON");
            }
            if (i == 0) {
                if (!settings.equals(n.path("settings").asText())) {
                    throw BadInputException.of(file, "the journal was written with other settings; run without --resume");
                }
                continue;
            }
            List<LabeledImage.Detection> dets = new ArrayList<>();
            for (JsonNode d : n.get("detections")) {
                JsonNode b = d.get("bbox");
                dets.add(new LabeledImage.Detection(d.get("category_id").asLong(), d.get("category").asText(),
                        new double[] {b.get(0).asDouble(), b.get(1).asDouble(), b.get(2).asDouble(), b.get(3).asDouble()},
                        d.get("score").asDouble(), d.get("method").asText()));
            }
            LabeledImage.Given given = null;
            if (n.hasNonNull("given")) {
                try {
                    given = Json.MAPPER.treeToValue(n.get("given"), LabeledImage.Given.class);
                } catch (IOException e) {
                    throw BadInputException.of(file, "line " + (i + 1) + ": unreadable 'given'");
                }
            }
            LabeledImage im = new LabeledImage(n.get("id").asLong(), n.get("file").asText(), n.get("width").asInt(),
                    n.get("height").asInt(), n.get("depth").asInt(), dets, given);
            out.put(im.fileName(), im);
        }
        return out;
    }

    /** Appends finished images and forces them to disk. */
    public void record(List<LabeledImage> images) {
        List<String> lines = new ArrayList<>();
        for (LabeledImage im : images) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", im.fileName());
            m.put("id", im.imageId());
            m.put("width", im.width());
            m.put("height", im.height());
            m.put("depth", im.depth());
            List<Map<String, Object>> dets = new ArrayList<>();
            for (LabeledImage.Detection d : im.detections()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("category_id", d.categoryId());
                x.put("category", d.categoryName());
                x.put("bbox", d.bbox());
                x.put("score", d.score());
                x.put("method", d.method());
                dets.add(x);
            }
            m.put("detections", dets);
            if (im.given() != null) {
                m.put("given", im.given());
            }
            try {
                lines.add(Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(m));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        append(lines);
    }

    private void append(List<String> lines) {
        StringBuilder s = new StringBuilder();
        lines.forEach(l -> s.append(l).append('\n'));
        try {
            channel.write(java.nio.ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the journal " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to write
        }
    }
}
