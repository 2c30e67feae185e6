package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A folder of PASCAL VOC XML files, one per image, read in file-name order. */
public final class VocFolder {
    private VocFolder() {}

    public record Entry(Path file, VocXml.Annotation annotation) {
        /** The image file name the annotation is for: its {@code <filename>}, else the XML's stem + ".jpg". */
        public String imageName() {
            String f = annotation.filename();
            if (f != null && !f.isBlank()) {
                return Path.of(f).getFileName().toString();
            }
            String x = file.getFileName().toString();
            return x.substring(0, x.length() - 4) + ".jpg";
        }
    }

    public static List<Entry> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw BadInputException.of(dir, "VOC folder not found");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw BadInputException.of(dir, "cannot list: " + e.getMessage());
        }
        if (files.isEmpty()) {
            throw BadInputException.of(dir, "no .xml files in the folder");
        }
        List<Entry> out = new ArrayList<>();
        for (Path f : files) {
            out.add(new Entry(f, VocXml.read(f)));
        }
        return out;
    }

    /**
     * VOC ground truth as a COCO dataset: image ids 1, 2, … in file order, categories by name in
     * sorted order (ids from 1), boxes converted from 1-based inclusive pixels, difficult → iscrowd.
     */
    public static Coco.Dataset toCoco(List<Entry> entries) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        entries.forEach(e -> e.annotation().objects().forEach(o -> names.add(o.name())));
        Coco.Dataset d = new Coco.Dataset();
        java.util.Map<String, Long> catId = new java.util.HashMap<>();
        long c = 1;
        for (String n : names) {
            catId.put(n, c);
            d.categories.add(new Coco.Category(c++, n));
        }
        long img = 1;
        long ann = 1;
        for (Entry e : entries) {
            d.images.add(new Coco.Image(img, e.imageName(), e.annotation().width(), e.annotation().height()));
            for (VocXml.VocObject o : e.annotation().objects()) {
                Coco.Annotation a = new Coco.Annotation(ann++, img, catId.get(o.name()), o.pixelBox().toCoco());
                a.iscrowd = o.difficult() ? 1 : 0;
                d.annotations.add(a);
            }
            img++;
        }
        return d;
    }
}
