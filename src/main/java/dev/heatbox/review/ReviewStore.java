package dev.heatbox.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.heatbox.data.Coco;
import dev.heatbox.export.LabelRun;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A person's review of a finished label run: every image's boxes as they stand, saved after each
 * edit to {@code OUT/reviewed/annotations.json} (temp file + rename, so a killed server loses at
 * most the edit in flight). That file is a COCO ground-truth file (pycocotools loads it; CVAT
 * imports it) with two extra fields: {@code heatbox_review} on each image ({@code pending} until the
 * person accepts it, then {@code done}) and on each annotation ({@code pending}: the model's box as
 * it came, {@code accepted}, {@code edited}, {@code added}). A rejected box is gone from the file.
 */
public final class ReviewStore {
    public static final String FILE = "reviewed/annotations.json";
    public static final Set<String> IMAGE_STATES = Set.of("pending", "done");
    public static final Set<String> BOX_STATES = Set.of("pending", "accepted", "edited", "added");

    /** One box as the review file and the page's API carry it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Box(long id, @JsonProperty("image_id") long imageId, @JsonProperty("category_id") long categoryId,
                      double[] bbox, double area, int iscrowd, List<Object> segmentation, Double score, String method,
                      @JsonProperty("heatbox_review") String review) {}

    /** One image with its boxes (in the file, the boxes go to the annotations list). */
    public record Image(long id, @JsonProperty("file_name") String fileName, int width, int height,
                       @JsonProperty("heatbox_review") String review) {}

    /** The review file: a COCO dataset. */
    public record File(Map<String, Object> info, List<Image> images, List<Box> annotations, List<Coco.Category> categories) {}

    /** An image and its boxes, for the page; {@code given}: its image-level labels beside the model's guess, or null. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(Image image, List<Box> boxes, double score, LabeledImage.Given given) {}

    private final Path out;
    private final LabelRun run;
    private final Map<Long, Image> images = new LinkedHashMap<>();
    private final Map<Long, List<Box>> boxes = new HashMap<>();
    private final Map<Long, Double> modelScore = new HashMap<>();
    private final Map<Long, LabeledImage.Given> given = new HashMap<>();
    private final Map<Long, String> categoryNames = new LinkedHashMap<>();
    private long nextBoxId = 1;

    private ReviewStore(Path out, LabelRun run) {
        this.out = out;
        this.run = run;
        run.categories().forEach(c -> categoryNames.put(c.id, c.name));
    }

    /** The run in {@code out} with the review saved there so far (none yet: the model's boxes, all pending). */
    public static ReviewStore open(Path out) {
        ReviewStore s = new ReviewStore(out, LabelRun.read(out));
        for (LabeledImage im : s.run.images()) {
            s.images.put(im.imageId(), new Image(im.imageId(), im.fileName(), im.width(), im.height(), "pending"));
            List<Box> list = new ArrayList<>();
            for (LabeledImage.Detection d : im.detections()) {
                list.add(s.box(s.nextBoxId++, im.imageId(), d.categoryId(), d.bbox(), d.score(), d.method(), "pending"));
            }
            s.boxes.put(im.imageId(), list);
            s.modelScore.put(im.imageId(), im.detections().stream().mapToDouble(LabeledImage.Detection::score).max().orElse(0));
            if (im.given() != null) {
                s.given.put(im.imageId(), im.given());
            }
        }
        Path f = out.resolve(FILE);
        if (Files.isRegularFile(f)) {
            s.load(f);
        }
        return s;
    }

    private void load(Path f) {
        File saved;
        try {
            saved = Json.MAPPER.treeToValue(Json.readTree(f), File.class);
        } catch (IOException | IllegalArgumentException e) {
            throw BadInputException.of(f, "not a Heatbox review file (" + e.getClass().getSimpleName() + ")");
        }
        if (saved.images() == null || saved.annotations() == null) {
            throw BadInputException.of(f, "not a Heatbox review file (no images or annotations list)");
        }
        for (Image im : saved.images()) {
            if (!images.containsKey(im.id())) {
                throw BadInputException.of(f, "image id " + im.id() + " is not in this run's run.json: a review of another run?");
            }
            images.put(im.id(), new Image(im.id(), images.get(im.id()).fileName(), im.width(), im.height(),
                    IMAGE_STATES.contains(im.review()) ? im.review() : "pending"));
            boxes.put(im.id(), new ArrayList<>());
        }
        for (Box b : saved.annotations()) {
            if (!boxes.containsKey(b.imageId())) {
                throw BadInputException.of(f, "annotation " + b.id() + " names image " + b.imageId() + ", which the file does not list");
            }
            boxes.get(b.imageId()).add(checked(b, f));
            nextBoxId = Math.max(nextBoxId, b.id() + 1);
        }
    }

    /** Every image in review order: lowest model score first (the doubtful ones), then by id. */
    public synchronized List<Item> items() {
        List<Item> list = new ArrayList<>();
        for (Image im : images.values()) {
            list.add(new Item(im, List.copyOf(boxes.get(im.id())), modelScore.get(im.id()), given.get(im.id())));
        }
        list.sort(Comparator.comparingDouble(Item::score).thenComparingLong(i -> i.image().id()));
        return list;
    }

    public synchronized Item item(long imageId) {
        Image im = images.get(imageId);
        return im == null ? null : new Item(im, List.copyOf(boxes.get(imageId)), modelScore.get(imageId), given.get(imageId));
    }

    public Map<Long, String> categories() {
        return categoryNames;
    }

    /** Where the run found the image, or null for an image the run does not have. */
    public Path imagePath(long imageId) {
        Image im = images.get(imageId);
        String p = im == null ? null : run.imagePaths().get(im.fileName());
        return p == null ? null : Path.of(p);
    }

    public Path out() {
        return out;
    }

    /**
     * Replaces one image's state and boxes with what the person made of them, then saves.
     * A box with id 0 is new and gets an id; boxes are clipped to the image.
     * @throws IllegalArgumentException for an edit that names an unknown category, state or box
     */
    public synchronized Item update(long imageId, String review, List<Box> edited) {
        Image im = images.get(imageId);
        if (im == null) {
            throw new IllegalArgumentException("no image " + imageId);
        }
        if (!IMAGE_STATES.contains(review)) {
            throw new IllegalArgumentException("image state must be one of " + IMAGE_STATES);
        }
        Map<Long, Box> before = new HashMap<>();
        boxes.get(imageId).forEach(b -> before.put(b.id(), b));
        List<Box> list = new ArrayList<>();
        long next = nextBoxId;
        for (Box b : edited) {
            if (b.id() != 0 && !before.containsKey(b.id())) {
                throw new IllegalArgumentException("image " + imageId + " has no box " + b.id());
            }
            if (!categoryNames.containsKey(b.categoryId())) {
                throw new IllegalArgumentException("unknown category id " + b.categoryId());
            }
            if (!BOX_STATES.contains(b.review())) {
                throw new IllegalArgumentException("box state must be one of " + BOX_STATES);
            }
            Box old = before.get(b.id());
            double[] c = old != null && Arrays.equals(old.bbox(), b.bbox()) ? old.bbox() : clip(round(b.bbox()), im);
            if (c == null) {
                throw new IllegalArgumentException("a box needs four finite numbers [x, y, w, h] inside the image");
            }
            list.add(box(b.id() == 0 ? next++ : b.id(), imageId, b.categoryId(), c, old == null ? null : old.score(),
                    old == null ? "review" : old.method(), b.review()));
        }
        images.put(imageId, new Image(im.id(), im.fileName(), im.width(), im.height(), review));
        boxes.put(imageId, list);
        nextBoxId = next;
        save();
        return item(imageId);
    }

    /** The whole review as a COCO file, written through a temp file and a rename. */
    public synchronized void save() {
        List<Box> all = new ArrayList<>();
        images.keySet().forEach(id -> all.addAll(boxes.get(id)));
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("description", "Heatbox pre-annotations, reviewed by a person (heatbox review)");
        Json.write(out.resolve(FILE), new File(info, List.copyOf(images.values()), all, run.categories()));
    }

    /**
     * The run with the reviewed boxes, for the exporters: a box the person accepted, edited or
     * added scores 1.0 (a person vouched for it); a pending one keeps the model's score.
     * @param doneOnly keep only the images the person marked done
     */
    public synchronized LabelRun reviewedRun(boolean doneOnly) {
        List<LabeledImage> list = new ArrayList<>();
        for (LabeledImage im : run.images()) {
            if (doneOnly && !images.get(im.imageId()).review().equals("done")) {
                continue;
            }
            List<LabeledImage.Detection> dets = new ArrayList<>();
            for (Box b : boxes.get(im.imageId())) {
                double score = b.review().equals("pending") && b.score() != null ? b.score() : 1.0;
                dets.add(new LabeledImage.Detection(b.categoryId(), categoryNames.get(b.categoryId()), b.bbox(), score,
                        b.method() == null ? "review" : b.method()));
            }
            list.add(new LabeledImage(im.imageId(), im.fileName(), im.width(), im.height(), im.depth(), dets));
        }
        return new LabelRun(list, run.categories(), run.imagePaths());
    }

    public synchronized long doneCount() {
        return images.values().stream().filter(i -> i.review().equals("done")).count();
    }

    private Box checked(Box b, Path f) {
        Image im = images.get(b.imageId());
        double[] c = clip(b.bbox(), im);
        if (c == null || !categoryNames.containsKey(b.categoryId()) || !BOX_STATES.contains(b.review())) {
            throw BadInputException.of(f, "annotation " + b.id() + ": needs a bbox inside its image, a known category_id and a"
                    + " heatbox_review of " + BOX_STATES);
        }
        return box(b.id(), b.imageId(), b.categoryId(), c, b.score(), b.method(), b.review());
    }

    /** The model's boxes keep their exact coordinates, so an untouched review exports label's own bytes. */
    private Box box(long id, long imageId, long categoryId, double[] bbox, Double score, String method, String review) {
        return new Box(id, imageId, categoryId, bbox, bbox[2] * bbox[3], 0, List.of(), score, method, review);
    }

    /** A person's box to 1e-3 px, as the COCO export writes boxes; null stays null. */
    private static double[] round(double[] b) {
        if (b == null) {
            return null;
        }
        double[] r = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = Math.round(b[i] * 1000.0) / 1000.0;
        }
        return r;
    }

    /**
     * The box cut to the image (the same array when it is inside), or null when it is not four
     * finite numbers or nothing of it is inside.
     */
    static double[] clip(double[] b, Image im) {
        if (b == null || b.length != 4) {
            return null;
        }
        for (double v : b) {
            if (!Double.isFinite(v)) {
                return null;
            }
        }
        if (b[0] >= 0 && b[1] >= 0 && b[2] > 0 && b[3] > 0 && b[0] + b[2] <= im.width() && b[1] + b[3] <= im.height()) {
            return b;
        }
        double x0 = Math.max(0, b[0]);
        double y0 = Math.max(0, b[1]);
        double x1 = Math.min(im.width(), b[0] + b[2]);
        double y1 = Math.min(im.height(), b[1] + b[3]);
        if (x1 - x0 <= 0 || y1 - y0 <= 0) {
            return null;
        }
        return new double[] {x0, y0, x1 - x0, y1 - y0};
    }
}
