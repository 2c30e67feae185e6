package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One bad file must not stop a run: a folder with two good photos, a JPEG cut a few kilobytes short
 * (decoded, the missing rows grey, as OpenCV's imread and PIL do), a JPEG cut inside its header (no
 * image in it) and a PNG whose header claims 50000² pixels gives the good ones' output, skipped.txt
 * naming the two bad ones, and exit 4 — in explain, faith, audit and label.
 */
class SkipAndContinueTest {
    static final Path PHOTOS = Path.of("datasets/coco-sample/images");
    static final String[] GOOD = {"val2017_000000519208.jpg", "train2017_000000425988.jpg"};
    static final String CUT = "val2017_000000377575.jpg";
    @TempDir
    static Path tmp;
    static Path images;

    @BeforeAll
    static void folder() throws IOException {
        images = tmp.resolve("images");
        Files.createDirectories(images);
        for (String g : GOOD) {
            Files.copy(PHOTOS.resolve(g), images.resolve(g));
        }
        byte[] whole = Files.readAllBytes(PHOTOS.resolve(CUT));
        Files.write(images.resolve("slightly_cut.jpg"), Arrays.copyOf(whole, whole.length - 3000));
        Files.write(images.resolve("header_only.jpg"), Arrays.copyOf(whole, 120));
        Files.write(images.resolve("huge.png"), hugePng());
    }

    /** A valid PNG signature and IHDR chunk for a 50000×50000 grey image, and no real pixel data. */
    static byte[] hugePng() {
        byte[] ihdr = {'I', 'H', 'D', 'R', 0, 0, (byte) 0xC3, 0x50, 0, 0, (byte) 0xC3, 0x50, 8, 0, 0, 0, 0};
        CRC32 crc = new CRC32();
        crc.update(ihdr);
        long c = crc.getValue();
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        byte[] out = Arrays.copyOf(sig, sig.length + ihdr.length + 4);
        System.arraycopy(ihdr, 0, out, sig.length, ihdr.length);
        for (int k = 0; k < 4; k++) {
            out[sig.length + ihdr.length + k] = (byte) (c >>> (24 - 8 * k));
        }
        return out;
    }

    static void assertSkippedTheTwoBadOnes(Path out) throws IOException {
        List<String> skipped = Files.readAllLines(out.resolve("skipped.txt"));
        assertEquals(2, skipped.size(), skipped.toString());
        assertTrue(skipped.stream().anyMatch(l -> l.contains("header_only.jpg") && l.contains("not a readable image")), skipped.toString());
        assertTrue(skipped.stream().anyMatch(l -> l.contains("huge.png") && l.contains("50000×50000")), skipped.toString());
    }

    @Test
    void aSlightlyCutJpegIsDecodedWithTheMissingRowsGrey() {
        Mat whole = Cv.read(PHOTOS.resolve(CUT), false);
        Mat cut = Cv.read(images.resolve("slightly_cut.jpg"), false);
        assertEquals(whole.rows(), cut.rows());
        assertEquals(whole.cols(), cut.cols());
        byte[] top = new byte[3];
        byte[] topWhole = new byte[3];
        cut.get(10, 10, top);
        whole.get(10, 10, topWhole);
        assertTrue(Arrays.equals(top, topWhole), "the rows before the cut are the image's");
        byte[] last = new byte[3];
        cut.get(cut.rows() - 1, 5, last);
        assertEquals(128, last[0] & 0xff, "the rows after the cut are grey");
    }

    @Test
    void aHugePngHeaderIsRefusedWithItsSizeBeforeDecoding() {
        BadInputException e = org.junit.jupiter.api.Assertions.assertThrows(BadInputException.class,
                () -> Cv.read(images.resolve("huge.png"), false));
        assertTrue(e.getMessage().contains("image too large") && e.getMessage().contains("50000×50000")
                && e.getMessage().contains("1,073,741,824") && e.getMessage().contains("not decoded"), e.getMessage());
        BadInputTest.Run r = BadInputTest.run("explain", "--model", "models/mobilenet_v1_0.25_128", "--images",
                images.resolve("huge.png").toString(), "--out", tmp.resolve("one").toString());
        BadInputTest.assertOneLine(r, 3, "50000×50000");
    }

    @Test
    void explainThenFaithSkipTheBadFiles() throws IOException {
        Path out = tmp.resolve("explain");
        assertEquals(4, BadInputTest.run("explain", "--model", "models/mobilenet_v1_0.25_128", "--images", images.toString(),
                "--out", out.toString()).code());
        assertSkippedTheTwoBadOnes(out);
        JsonNode index = Json.readTree(out.resolve("heatmaps/index.json"));
        assertEquals(3, index.size(), "two good photos and the slightly cut one");
        Path faith = tmp.resolve("faith");
        BadInputTest.Run r = BadInputTest.run("faith", "--model", "models/mobilenet_v1_0.25_128", "--images", images.toString(),
                "--heatmaps", out.resolve("heatmaps").toString(), "--out", faith.toString(), "--steps", "4");
        assertEquals(4, r.code(), r.err());
        assertSkippedTheTwoBadOnes(faith);
        assertEquals(3, Json.readTree(faith.resolve("faith.json")).path("gradcam").path("images").asInt());
    }

    @Test
    void labelSkipsTheBadFiles() throws IOException {
        Path out = tmp.resolve("label");
        assertEquals(4, BadInputTest.run("label", "--model", "models/mobilenet_v1_0.25_128", "--images", images.toString(),
                "--out", out.toString()).code());
        assertSkippedTheTwoBadOnes(out);
        assertTrue(Files.isRegularFile(out.resolve("coco/results.json")));
    }

    @Test
    void auditSkipsTheBadFiles() throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        copyTree(images, data.resolve("images"));
        // the sample's ground truth for the two good photos, plus an entry with a box for each other file
        ObjectNode gt = (ObjectNode) Json.readTree(Path.of("datasets/coco-sample/instances.json"));
        ArrayNode imgs = Json.MAPPER.createArrayNode();
        ArrayNode anns = Json.MAPPER.createArrayNode();
        long nextId = 9_000_000;
        for (JsonNode im : gt.get("images")) {
            if (Arrays.asList(GOOD).contains(im.get("file_name").asText()) || im.get("file_name").asText().equals(CUT)) {
                ObjectNode copy = im.deepCopy();
                if (im.get("file_name").asText().equals(CUT)) {
                    copy.put("file_name", "slightly_cut.jpg");
                }
                imgs.add(copy);
                for (JsonNode a : gt.get("annotations")) {
                    if (a.get("image_id").asLong() == im.get("id").asLong()) {
                        anns.add(a);
                    }
                }
            }
        }
        long elephant = 0;
        for (JsonNode c : gt.get("categories")) {
            elephant = c.get("name").asText().equals("elephant") ? c.get("id").asLong() : elephant;
        }
        for (String bad : new String[] {"header_only.jpg", "huge.png"}) {
            long id = nextId++;
            imgs.add(Json.MAPPER.createObjectNode().put("id", id).put("file_name", bad).put("width", 640).put("height", 480));
            ObjectNode a = Json.MAPPER.createObjectNode().put("id", id).put("image_id", id).put("category_id", elephant)
                    .put("iscrowd", 0).put("area", 100.0);
            a.putArray("bbox").add(10).add(10).add(10).add(10);
            anns.add(a);
        }
        gt.set("images", imgs);
        gt.set("annotations", anns);
        Json.write(data.resolve("instances.json"), gt);
        Path out = tmp.resolve("audit");
        BadInputTest.Run r = BadInputTest.run("audit", "--model", "models/mobilenet_v1_0.25_128", "--data", data.toString(),
                "--classes", "datasets/coco2imagenet.json", "--out", out.toString());
        assertEquals(4, r.code(), r.err());
        assertSkippedTheTwoBadOnes(out);
        assertTrue(Files.isRegularFile(out.resolve("audit.json")));
        assertFalse(Files.readString(out.resolve("audit.json")).contains("header_only"));
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
