package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * A dataset folder: {@code images/}, {@code instances.json} (COCO ground truth for those
 * images) and {@code voc/} (one VOC XML per image).
 */
public final class DatasetFolder {
    public static final String[] DIGIT_NAMES = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    /** One image of a dataset with its ground-truth boxes (0-based inclusive pixels). */
    public record Item(long id, Path image, int width, int height, List<Long> categories, List<PixelBox> boxes) {}

    public record Loaded(Path dir, Coco.Dataset coco, List<Item> items) {
        public Map<Long, String> categoryNames() {
            return Coco.categoryNames(coco);
        }
    }

    private DatasetFolder() {}

    /** Writes generated digits: category ids 1–10 named "0"–"9". */
    public static void write(Path dir, String split, List<DigitSynth.Sample> samples) {
        Cv.load();
        Coco.Dataset coco = new Coco.Dataset();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "Heatbox cluttered digits (" + split + "), from MNIST digits");
        coco.info = info;
        for (int c = 0; c < 10; c++) {
            Coco.Category cat = new Coco.Category(c + 1, DIGIT_NAMES[c]);
            cat.supercategory = "digit";
            coco.categories.add(cat);
        }
        for (int i = 0; i < samples.size(); i++) {
            DigitSynth.Sample s = samples.get(i);
            String stem = String.format(Locale.ROOT, "%s_%06d", split, i + 1);
            String file = stem + ".png";
            Mat m = new Mat(s.size(), s.size(), CvType.CV_8UC1);
            m.put(0, 0, s.pixels());
            Cv.write(dir.resolve("images").resolve(file), m);
            coco.images.add(new Coco.Image(i + 1, file, s.size(), s.size()));
            Coco.Annotation a = new Coco.Annotation(i + 1, i + 1, s.label() + 1, s.box().toCoco());
            a.iscrowd = 0;
            coco.annotations.add(a);
            VocXml.write(dir.resolve("voc").resolve(stem + ".xml"), new VocXml.Annotation(file, s.size(), s.size(), 1,
                    List.of(VocXml.VocObject.of(DIGIT_NAMES[s.label()], s.box(), false, null))));
        }
        Json.write(dir.resolve("instances.json"), coco);
    }

    /** Reads {@code dir/instances.json}; image paths are resolved inside {@code dir/images}. */
    public static Loaded read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw BadInputException.of(dir, "dataset folder not found");
        }
        Path json = dir.resolve("instances.json");
        Coco.Dataset coco = CocoReader.readDataset(json);
        Path images = dir.resolve("images");
        Map<Long, Item> byId = new LinkedHashMap<>();
        for (Coco.Image im : coco.images) {
            Path p = SafePaths.inside(images, im.file_name, json);
            byId.put(im.id, new Item(im.id, p, im.width, im.height, new ArrayList<>(), new ArrayList<>()));
        }
        for (Coco.Annotation a : coco.annotations) {
            Item it = byId.get(a.image_id);
            it.categories().add(a.category_id);
            it.boxes().add(PixelBox.fromCoco(a.bbox));
        }
        if (byId.isEmpty()) {
            throw BadInputException.of(json, "dataset has no images");
        }
        return new Loaded(dir, coco, new ArrayList<>(byId.values()));
    }
}
