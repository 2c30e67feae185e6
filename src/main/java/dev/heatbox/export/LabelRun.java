package dev.heatbox.export;

import dev.heatbox.data.Coco;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A finished label run as data: its images with their boxes (original pixels, unrounded), its
 * categories and where each image lives. {@code label} saves it as {@code OUT/run.json};
 * {@code export} reads it back and writes any format from it, the same bytes label would write.
 */
public record LabelRun(List<LabeledImage> images, List<Coco.Category> categories, Map<String, String> imagePaths) {
    public static final String FILE = "run.json";
    /** The plain formats; {@link ToolLayouts#FORMATS} are the tool layouts. */
    public static final List<String> FORMATS = List.of("coco", "voc", "yolo", "labelstudio");

    public static boolean known(String format) {
        return FORMATS.contains(format) || ToolLayouts.FORMATS.contains(format);
    }

    public void save(Path out) {
        Json.write(out.resolve(FILE), this);
    }

    public static LabelRun read(Path out) {
        Path f = out.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            throw BadInputException.of(out, "no " + FILE + ": not the output of a finished heatbox label run");
        }
        try {
            return Json.MAPPER.treeToValue(Json.readTree(f), LabelRun.class);
        } catch (IOException | IllegalArgumentException e) {
            throw BadInputException.of(f, "not a label run file (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Writes each requested format into {@code out} (temp file + rename for every file). */
    /** @param lsImageRoot Label Studio's image URL prefix (see {@link LabelStudioExport#write}), or null */
    public void write(Path out, List<String> formats, String lsImageRoot, PrintStream log) throws IOException {
        if (formats.contains("coco")) {
            CocoExport.writeAnnotations(out.resolve("coco/annotations.json"), images, categories);
            if (CocoExport.results(images).isEmpty()) {
                // pycocotools' loadRes fails on an empty list (IndexError): write no file that crashes it
                Files.deleteIfExists(out.resolve("coco/results.json"));
                log.println("heatbox: no boxes, so no " + out.resolve("coco/results.json")
                        + " (pycocotools' loadRes cannot read an empty list); coco/annotations.json has the images");
            } else {
                CocoExport.writeResults(out.resolve("coco/results.json"), images);
            }
        }
        if (formats.contains("voc")) {
            VocExport.writeAll(out.resolve("voc"), images);
        }
        if (formats.contains("yolo")) {
            YoloExport.writeAll(out.resolve("yolo"), images, categories);
        }
        if (formats.contains("labelstudio")) {
            LabelStudioExport.write(out.resolve("labelstudio/tasks.json"), images, imagePaths, lsImageRoot);
        }
        for (String f : formats) {
            if (ToolLayouts.FORMATS.contains(f)) {
                ToolLayouts.write(f, out, images, categories, imagePaths);
            }
        }
    }
}
