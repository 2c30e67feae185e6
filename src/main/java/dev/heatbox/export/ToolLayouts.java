package dev.heatbox.export;

import dev.heatbox.data.Coco;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The layouts labelling tools import as they stand, built from the same writers as the plain
 * formats: CVAT's import zips (COCO 1.0, PASCAL VOC 1.1, YOLO 1.1), Ultralytics' dataset folder
 * (also what FiftyOne's YOLOv5Dataset reads) and FiftyOne's COCODetectionDataset folder. Each is
 * built in a temporary folder and moved (or zipped) into place whole.
 */
public final class ToolLayouts {
    public static final List<String> FORMATS = List.of("cvat-coco", "cvat-voc", "cvat-yolo", "ultralytics", "fiftyone");

    private ToolLayouts() {}

    /**
     * @param imagePaths image file name → its path, for the layouts that carry the images
     *                   (ultralytics, fiftyone: hard links where the file system allows, else copies)
     */
    public static void write(String format, Path out, List<LabeledImage> images, List<Coco.Category> categories,
                             Map<String, String> imagePaths) {
        Path tmp = null;
        try {
            Files.createDirectories(out);
            tmp = Files.createTempDirectory(out, "." + format + ".");
            switch (format) {
                case "cvat-coco" -> {
                    CocoExport.writeAnnotations(tmp.resolve("annotations/instances_default.json"), images, categories);
                    zip(tmp, out.resolve("cvat-coco.zip"));
                }
                case "cvat-voc" -> {
                    VocExport.writeAll(tmp.resolve("Annotations"), images);
                    StringBuilder names = new StringBuilder();
                    images.forEach(im -> names.append(im.stem()).append('\n'));
                    AtomicFiles.writeString(tmp.resolve("ImageSets/Main/default.txt"), names.toString());
                    StringBuilder labelmap = new StringBuilder("# label:color_rgb:parts:actions\n");
                    byId(categories).forEach(c -> labelmap.append(c.name).append(":::\n"));
                    AtomicFiles.writeString(tmp.resolve("labelmap.txt"), labelmap.toString());
                    zip(tmp, out.resolve("cvat-voc.zip"));
                }
                case "cvat-yolo" -> {
                    // YOLO 1.1 as CVAT exports it; class lines in category-id order, five fields a line
                    YoloExport.writeAll(tmp.resolve("obj_train_data"), images, categories);
                    Files.move(tmp.resolve("obj_train_data/classes.txt"), tmp.resolve("obj.names"));
                    AtomicFiles.writeString(tmp.resolve("obj.data"), "classes = " + categories.size()
                            + "\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n");
                    StringBuilder train = new StringBuilder();
                    images.forEach(im -> train.append("data/obj_train_data/").append(baseName(im.fileName())).append('\n'));
                    AtomicFiles.writeString(tmp.resolve("train.txt"), train.toString());
                    zip(tmp, out.resolve("cvat-yolo.zip"));
                }
                case "ultralytics" -> {
                    YoloExport.writeAll(tmp.resolve("labels/train"), images, categories);
                    Files.delete(tmp.resolve("labels/train/classes.txt"));
                    linkImages(images, imagePaths, tmp.resolve("images/train"));
                    StringBuilder yaml = new StringBuilder();
                    yaml.append("path: ").append(Json.toString(out.resolve("ultralytics").toAbsolutePath().toString())).append('\n');
                    yaml.append("train: images/train\nval: images/train\nnames:\n");
                    List<Coco.Category> sorted = byId(categories);
                    for (int i = 0; i < sorted.size(); i++) {
                        yaml.append("  ").append(i).append(": ").append(Json.toString(sorted.get(i).name)).append('\n');
                    }
                    AtomicFiles.writeString(tmp.resolve("data.yaml"), yaml.toString());
                    replace(tmp, out.resolve("ultralytics"));
                }
                case "fiftyone" -> {
                    CocoExport.writeAnnotations(tmp.resolve("labels.json"), images, categories);
                    linkImages(images, imagePaths, tmp.resolve("data"));
                    replace(tmp, out.resolve("fiftyone"));
                }
                default -> throw new IllegalArgumentException("unknown layout " + format + " (known: " + FORMATS + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + format + " layout in " + out + ": " + e.getMessage(), e);
        } finally {
            deleteTree(tmp);
        }
    }

    static List<Coco.Category> byId(List<Coco.Category> categories) {
        List<Coco.Category> sorted = new ArrayList<>(categories);
        sorted.sort(Comparator.comparingLong(c -> c.id));
        return sorted;
    }

    private static String baseName(String fileName) {
        return fileName.substring(fileName.lastIndexOf('/') + 1);
    }

    private static void linkImages(List<LabeledImage> images, Map<String, String> paths, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (LabeledImage im : images) {
            Path src = Path.of(paths.getOrDefault(im.fileName(), im.fileName()));
            Path dst = dir.resolve(baseName(im.fileName()));
            try {
                Files.createLink(dst, src.toRealPath());
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING); // another file system: copy
            }
        }
    }

    /** The folder's files as a zip, paths relative to it, in sorted order (the same bytes for the same run). */
    private static void zip(Path folder, Path target) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        AtomicFiles.write(target, out -> {
            try (ZipOutputStream z = new ZipOutputStream(out)) {
                for (Path f : files) {
                    ZipEntry e = new ZipEntry(folder.relativize(f).toString().replace('\\', '/'));
                    e.setTime(0);
                    z.putNextEntry(e);
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
        });
    }

    private static void replace(Path finished, Path target) throws IOException {
        AtomicFiles.readableByAll(finished, true);
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
            Files.move(target, old.resolve("x"));
        }
        Files.move(finished, target);
        deleteTree(old);
    }

    private static void deleteTree(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            // a leftover temp folder is harmless; the finished output is already in place
        }
    }
}
