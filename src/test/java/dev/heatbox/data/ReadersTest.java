package dev.heatbox.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WSOL box lists, COCO readers' validation, and paths that try to leave the dataset root. */
class ReadersTest {
    static void copyImage(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(Path.of("datasets/coco-sample/images/train2017_000000425988.jpg"), to);
    }

    @Test
    void wsolListWithSeveralBoxesPerImage(@TempDir Path tmp) throws IOException {
        copyImage(tmp.resolve("val/a.jpg"));
        Path list = tmp.resolve("localization.txt");
        Files.writeString(list, "val/a.jpg,10,20,30,40\nval/a.jpg,1,2,3,4\n");
        Coco.Dataset d = WsolList.read(list, null);
        assertEquals(1, d.images.size());
        assertEquals(640, d.images.get(0).width);
        assertEquals(2, d.annotations.size());
        assertEquals(new PixelBox(10, 20, 30, 40), PixelBox.fromCoco(d.annotations.get(0).bbox));
    }

    @Test
    void wsolListPathOutsideTheRootIsRefused(@TempDir Path tmp) throws IOException {
        copyImage(tmp.resolve("outside.jpg"));
        Path root = tmp.resolve("data");
        Files.createDirectories(root);
        Path list = root.resolve("localization.txt");
        Files.writeString(list, "../outside.jpg,1,2,3,4\n");
        BadInputException e = assertThrows(BadInputException.class, () -> WsolList.read(list, null));
        assertTrue(e.getMessage().contains("outside the dataset root"), e.getMessage());
        Files.writeString(list, "/etc/passwd,1,2,3,4\n");
        assertThrows(BadInputException.class, () -> WsolList.read(list, null));
    }

    @Test
    void wsolListMalformedLine(@TempDir Path tmp) throws IOException {
        Path list = tmp.resolve("l.txt");
        Files.writeString(list, "a.jpg,1,2,x,4\n");
        BadInputException e = assertThrows(BadInputException.class, () -> WsolList.read(list, null));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void datasetFolderRefusesFileNamesThatLeaveImages(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("images"));
        Files.writeString(tmp.resolve("instances.json"), "{\"images\": [{\"id\": 1, \"file_name\": \"../../secret.png\","
                + " \"width\": 4, \"height\": 4}], \"annotations\": [], \"categories\": []}");
        BadInputException e = assertThrows(BadInputException.class, () -> DatasetFolder.read(tmp));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void cocoWrongTypesAndDuplicates(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("gt.json");
        Files.writeString(f, "{\"images\": [{\"id\": 1, \"width\": \"wide\"}], \"annotations\": []}");
        BadInputException e = assertThrows(BadInputException.class, () -> CocoReader.readDataset(f));
        assertTrue(e.getMessage().contains("images[0].width"), e.getMessage());
        Files.writeString(f, "{\"images\": [{\"id\": 1}, {\"id\": 1}], \"annotations\": []}");
        e = assertThrows(BadInputException.class, () -> CocoReader.readDataset(f));
        assertTrue(e.getMessage().contains("duplicated"), e.getMessage());
        Files.writeString(f, "{\"images\": 5, \"annotations\": []}");
        e = assertThrows(BadInputException.class, () -> CocoReader.readDataset(f));
        assertTrue(e.getMessage().contains("'images' must be a list"), e.getMessage());
    }

    @Test
    void vocPredictionFolderScoresDefaultToOne(@TempDir Path tmp) {
        VocXml.write(tmp.resolve("a.xml"), new VocXml.Annotation("a.jpg", 10, 10, 3,
                List.of(VocXml.VocObject.of("dog", new PixelBox(1, 1, 5, 5), false, null),
                        VocXml.VocObject.of("dog", new PixelBox(2, 2, 6, 6), false, 0.25))));
        List<VocFolder.Entry> e = VocFolder.read(tmp);
        assertEquals("a.jpg", e.get(0).imageName());
        Coco.Dataset d = VocFolder.toCoco(e);
        assertEquals(2, d.annotations.size());
        assertEquals(List.of("dog"), d.categories.stream().map(c -> c.name).toList());
    }
}
