package dev.heatbox.review;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heatbox.cli.Main;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The review file: edits kept across a restart, and `export --reviewed` written from it. */
class ReviewStoreTest {
    @TempDir
    static Path tmp;
    static Path label;

    @BeforeAll
    static void labelOnce() throws Exception {
        label = ReviewServerTest.labelThreePhotos(tmp);
    }

    /** A fresh copy of the label run, so each test starts from no review. */
    static Path copyOfRun(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (var files = Files.walk(label)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(label.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return dir;
    }

    static int export(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void anUntouchedReviewExportsLabelsOwnBytes(@TempDir Path dir) throws Exception {
        Path out = copyOfRun(dir.resolve("run"));
        ReviewStore.open(out).save();
        assertEquals(0, export("export", "--from", out.toString(), "--reviewed", "--to", "coco,voc,yolo"));
        for (String f : List.of("coco/annotations.json", "coco/results.json", "yolo/classes.txt")) {
            assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(out.resolve("reviewed").resolve(f)), f);
        }
        try (var voc = Files.list(out.resolve("voc"))) {
            for (Path x : voc.toList()) {
                assertArrayEquals(Files.readAllBytes(x), Files.readAllBytes(out.resolve("reviewed/voc").resolve(x.getFileName())));
            }
        }
    }

    @Test
    void editsSurviveARestartAndReachTheExports(@TempDir Path dir) throws Exception {
        Path out = copyOfRun(dir.resolve("run"));
        ReviewStore s = ReviewStore.open(out);
        List<ReviewStore.Item> items = s.items();
        assertTrue(items.get(0).score() <= items.get(1).score() && items.get(1).score() <= items.get(2).score(),
                "lowest score first");
        ReviewStore.Item a = items.get(0);
        ReviewStore.Item b = items.get(1);
        ReviewStore.Box kept = b.boxes().get(0);
        // a: its box rejected, a new one drawn, accepted; b: its box's class changed and moved
        s.update(a.image().id(), "done", List.of(new ReviewStore.Box(0, a.image().id(), 5, new double[] {10.25, 20, 30.5, 40},
                0, 0, null, null, null, "added")));
        ReviewStore.Box moved = new ReviewStore.Box(kept.id(), kept.imageId(), 7, new double[] {1.23456, 2, 50, 60}, 0, 0, null,
                null, null, "edited");
        s.update(b.image().id(), "pending", List.of(moved));

        ReviewStore again = ReviewStore.open(out); // a restarted server
        assertEquals(1, again.doneCount());
        ReviewStore.Box added = again.item(a.image().id()).boxes().get(0);
        assertArrayEquals(new double[] {10.25, 20, 30.5, 40}, added.bbox());
        assertEquals("added", added.review());
        assertTrue(added.id() > 0, "a new box gets an id");
        ReviewStore.Box b2 = again.item(b.image().id()).boxes().get(0);
        assertEquals(kept.id(), b2.id());
        assertEquals(7, b2.categoryId());
        assertArrayEquals(new double[] {1.235, 2, 50, 60}, b2.bbox(), "a person's box to 1e-3 px");
        assertEquals(kept.score(), b2.score(), "the model's score stays on record");

        JsonNode file = Json.readTree(out.resolve(ReviewStore.FILE));
        assertEquals(3, file.get("images").size());
        assertEquals(3, file.get("annotations").size(), "one added, one edited, one untouched");
        for (JsonNode ann : file.get("annotations")) {
            assertEquals(0, ann.get("iscrowd").asInt());
            assertTrue(ann.get("segmentation").isArray());
            assertEquals(ann.get("bbox").get(2).asDouble() * ann.get("bbox").get(3).asDouble(), ann.get("area").asDouble(), 1e-9);
        }

        assertEquals(0, export("export", "--from", out.toString(), "--reviewed", "--accepted-only", "--to", "coco,voc"));
        JsonNode results = Json.readTree(out.resolve("reviewed/coco/results.json"));
        assertEquals(1, results.size(), "only the accepted image");
        assertEquals(a.image().id(), results.get(0).get("image_id").asLong());
        assertEquals(1.0, results.get(0).get("score").asDouble(), "a person's box scores 1");
        assertEquals(5, results.get(0).get("category_id").asLong());
        try (var voc = Files.list(out.resolve("reviewed/voc"))) {
            assertEquals(1, voc.count());
        }

        assertEquals(0, export("export", "--from", out.toString(), "--reviewed", "--to", "coco", "--out", dir.resolve("all").toString()));
        assertEquals(3, Json.readTree(dir.resolve("all/coco/results.json")).size());
    }

    @Test
    void aReviewOfAnotherRunIsRefused(@TempDir Path dir) throws Exception {
        Path out = copyOfRun(dir.resolve("run"));
        ReviewStore.open(out).save();
        ObjectNode file = (ObjectNode) Json.readTree(out.resolve(ReviewStore.FILE));
        ((ObjectNode) file.get("images").get(0)).put("id", 424242);
        Files.writeString(out.resolve(ReviewStore.FILE), Json.MAPPER.writeValueAsString(file));
        BadInputException e = assertThrows(BadInputException.class, () -> ReviewStore.open(out));
        assertTrue(e.getMessage().contains("424242") && e.getMessage().contains("another run"), e.getMessage());
        assertEquals(Main.BAD_INPUT, export("export", "--from", out.toString(), "--reviewed", "--to", "coco"));
    }

    @Test
    void exportReviewedNeedsAReview(@TempDir Path dir) throws Exception {
        Path out = copyOfRun(dir.resolve("run"));
        assertEquals(Main.BAD_INPUT, export("export", "--from", out.toString(), "--reviewed", "--to", "coco"));
        assertFalse(Files.exists(out.resolve("reviewed")));
        assertEquals(2, export("export", "--from", out.toString(), "--accepted-only", "--to", "coco"));
    }

    @Test
    void reviewRefusesWhatItCannotServe(@TempDir Path dir) throws Exception {
        assertEquals(Main.BAD_INPUT, export("review", dir.resolve("nothing").toString(), "--port", "0"));
        Path out = copyOfRun(dir.resolve("run"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> export("review", out.toString(), "--port", String.valueOf(taken.getLocalPort())));
            assertEquals(Main.BAD_INPUT, code, "a port in use is one line, exit 3");
        }
    }

    @Test
    void clipCutsABoxToTheImageAndKeepsAnInsideOneAsItIs() {
        ReviewStore.Image im = new ReviewStore.Image(1, "a.jpg", 100, 50, "pending");
        double[] inside = {0.1, 0.2, 99.9, 49.8};
        assertTrue(ReviewStore.clip(inside, im) == inside);
        assertArrayEquals(new double[] {0, 10, 100, 40}, ReviewStore.clip(new double[] {-5, 10, 120, 60}, im));
        assertEquals(null, ReviewStore.clip(new double[] {100, 0, 5, 5}, im));
        assertEquals(null, ReviewStore.clip(new double[] {1, 1, Double.NaN, 5}, im));
        assertEquals(null, ReviewStore.clip(new double[] {1, 1, 5}, im));
    }
}
