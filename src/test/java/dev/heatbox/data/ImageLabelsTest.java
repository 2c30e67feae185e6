package dev.heatbox.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLabelsTest {
    static List<Path> images(Path dir, String... names) {
        return java.util.Arrays.stream(names).map(dir::resolve).toList();
    }

    @Test
    void csvWithHeaderQuotesAndSeveralLabelsPerImage(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "file_name,category\na.jpg,cat\nsub/b.jpg,\"dog, big\"\na.jpg,dog\na.jpg,cat\nmissing.jpg,cat\n");
        ImageLabels l = ImageLabels.read(csv.toString(), tmp, images(tmp, "a.jpg", "b.jpg", "c.jpg"));
        assertEquals(List.of("cat", "dog"), l.of(tmp.resolve("a.jpg")), "several lines, one image; a repeat counts once");
        assertEquals(List.of("dog, big"), l.of(tmp.resolve("b.jpg")), "matched by file name; a quoted comma");
        assertEquals(List.of(), l.of(tmp.resolve("c.jpg")));
        assertEquals(1, l.problems().size());
        assertTrue(l.problems().get(0).contains("missing.jpg") && l.problems().get(0).contains("not among the images"));
    }

    @Test
    void aMalformedCsvLineNamesItsLine(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "a.jpg,cat\na.jpg\n");
        BadInputException e = assertThrows(BadInputException.class, () -> ImageLabels.read(csv.toString(), tmp, List.of()));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void jsonMapOfListsOrSingleNames(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("labels.json");
        Files.writeString(json, "{\"a.jpg\": [\"cat\", \"dog\"], \"b.jpg\": \"bird\", \"c.jpg\": []}");
        ImageLabels l = ImageLabels.read(json.toString(), tmp, images(tmp, "a.jpg", "b.jpg", "c.jpg"));
        assertEquals(List.of("cat", "dog"), l.of(tmp.resolve("a.jpg")));
        assertEquals(List.of("bird"), l.of(tmp.resolve("b.jpg")));
        assertTrue(l.byFile().containsKey("c.jpg"), "labelled with nothing is not the same as unlabelled");
    }

    @Test
    void cocoCategoriesPresentInEachImage() {
        Path gt = Path.of("datasets/coco-sample/instances.json");
        List<Path> imgs = ImageSources.list(Path.of("datasets/coco-sample/images"));
        ImageLabels l = ImageLabels.read("coco:" + gt, Path.of("datasets/coco-sample/images"), imgs);
        assertEquals(27, l.byFile().size());
        Coco.Dataset d = CocoReader.readDataset(gt);
        long multi = l.byFile().values().stream().filter(c -> c.size() > 1).count();
        assertTrue(multi > 0, "some photos show several categories");
        int labels = l.byFile().values().stream().mapToInt(List::size).sum();
        long pairs = d.annotations.stream().map(a -> a.image_id + "/" + a.category_id).distinct().count();
        assertEquals(pairs, labels, "one label per (image, category) with a box");
    }

    @Test
    void foldersGiveTheFirstSubfolderAsCategory(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("photos");
        Files.createDirectories(root.resolve("cat/indoor"));
        Files.createDirectories(root.resolve("dog"));
        Path a = Files.copy(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), root.resolve("cat/indoor/a.jpg"));
        Path b = Files.copy(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), root.resolve("dog/b.jpg"));
        Path c = Files.copy(Path.of("datasets/coco-sample/images/val2017_000000519208.jpg"), root.resolve("c.jpg"));
        List<Path> imgs = ImageSources.listCategoryFolders(root);
        assertEquals(3, imgs.size());
        ImageLabels l = ImageLabels.read("folders", root, imgs);
        assertEquals(List.of("cat"), l.of(a));
        assertEquals(List.of("dog"), l.of(b));
        assertEquals(List.of(), l.of(c));
        assertTrue(!l.byFile().containsKey("c.jpg"), "an image in the root folder has no label");
    }

    @Test
    void anUnknownFormIsRefused(@TempDir Path tmp) {
        assertThrows(IllegalArgumentException.class, () -> ImageLabels.read("labels.txt", tmp, List.of()));
    }
}
