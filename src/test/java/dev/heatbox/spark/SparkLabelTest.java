package dev.heatbox.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.cli.Main;
import dev.heatbox.util.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `label --spark local[2]` against the single-JVM `label` on the same inputs: every output file identical. */
class SparkLabelTest {
    @TempDir
    static Path tmp;
    static Path images;
    static Path single;

    static final String[] LABEL = {"--model", "models/mobilenet_v1_0.25_128", "--batch", "4",
        "--format", "coco,voc,yolo,labelstudio,cvat-yolo"};

    /** Runs a command; {@code err} is picocli's error stream, {@code log} what went to System.err (progress, resuming). */
    record Run(int code, String err, String log) {}

    static synchronized Run heatbox(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        try {
            int code = cl.execute(args);
            return new Run(code, err.toString(), log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    static String[] label(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("label", "--images", images.toString(), "--out", out.toString()));
        a.addAll(Arrays.asList(LABEL));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** The 27 photos and three unreadable files: a header-only JPEG, text named .jpg, a PNG claiming 50000² pixels. */
    @BeforeAll
    static void singleJvmRun() throws Exception {
        images = tmp.resolve("images");
        Files.createDirectories(images);
        try (Stream<Path> s = Files.list(Path.of("datasets/coco-sample/images"))) {
            for (Path p : s.toList()) {
                Files.copy(p, images.resolve(p.getFileName()));
            }
        }
        byte[] jpeg = Files.readAllBytes(images.resolve("val2017_000000519208.jpg"));
        Files.write(images.resolve("cut.jpg"), Arrays.copyOf(jpeg, 120));
        Files.writeString(images.resolve("notes.jpg"), "not an image\n");
        Files.write(images.resolve("huge.png"), hugePngHeader());
        single = tmp.resolve("single");
        Run r = heatbox(label(single));
        assertEquals(4, r.code(), r.err());
    }

    static byte[] hugePngHeader() {
        byte[] h = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
            0, 0, (byte) 0xc3, 0x50, 0, 0, (byte) 0xc3, 0x50, 8, 2, 0, 0, 0, 0, 0, 0, 0};
        return h;
    }

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(dir::relativize).sorted().toList();
        }
    }

    static void assertSameFiles(Path expected, Path actual) throws Exception {
        List<Path> a = files(expected);
        assertEquals(a, files(actual), "the same files");
        for (Path f : a) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), "bytes of " + f);
        }
    }

    @Test
    void localTwoGivesTheSingleJvmOutputByteForByte() throws Exception {
        Path out = tmp.resolve("spark");
        Run r = heatbox(label(out, "--spark", "local[2]", "--partition-batches", "1"));
        assertEquals(4, r.code(), r.err());
        assertSameFiles(single, out);
        assertTrue(Files.readString(out.resolve("skipped.txt")).contains("huge.png"));
        assertEquals(3, Files.readAllLines(out.resolve("skipped.txt")).size(), "the three bad files, listed");
        assertEquals(27, Json.readTree(out.resolve("run.json")).get("images").size());
        assertFalse(Files.exists(out.resolve(PartitionLabeller.PARTS)), "part files removed once everything is written");
    }

    @Test
    void imageLevelLabelsAndInstanceBoxesGiveTheSingleJvmOutputByteForByte() throws Exception {
        String[] labelled = {"--labels", "coco:datasets/coco-sample/instances.json", "--classes", "datasets/coco2imagenet.json",
            "--boxes", "instances:0.3", "--unlabelled", "top"};
        Path one = tmp.resolve("labelled-single");
        Run a = heatbox(label(one, labelled));
        assertEquals(4, a.code(), a.err());
        Path out = tmp.resolve("labelled-spark");
        List<String> args = new ArrayList<>(List.of(labelled));
        args.addAll(List.of("--spark", "local[2]", "--partition-batches", "1"));
        Run b = heatbox(label(out, args.toArray(String[]::new)));
        assertEquals(4, b.code(), b.err());
        assertSameFiles(one, out);
        JsonNode run = Json.readTree(out.resolve("run.json"));
        assertTrue(run.get("images").get(0).has("given"), "labels travelled to the executors");
        long multi = 0;
        for (JsonNode im : run.get("images")) {
            java.util.Map<Long, Integer> perCategory = new java.util.HashMap<>();
            im.get("detections").forEach(d -> perCategory.merge(d.get("categoryId").asLong(), 1, Integer::sum));
            multi += perCategory.values().stream().filter(n -> n > 1).count();
        }
        assertTrue(multi > 0, "some image got several boxes of one category");
    }

    @Test
    void aFailedTaskIsRetriedAndTheOutputIsTheSame() throws Exception {
        Path out = tmp.resolve("retried");
        // local[2,2]: two tries per task; the hook fails partition 3's first attempt
        Run r = heatbox(label(out, "--spark", "local[2,2]", "--partition-batches", "1",
                "--spark-conf", PartitionLabeller.FAIL_ONCE + "=3"));
        assertEquals(4, r.code(), r.err());
        assertSameFiles(single, out);
    }

    @Test
    void aJobThatDiesResumesFromItsFinishedPartitions() throws Exception {
        Path out = tmp.resolve("resumed");
        // local[2]: one try per task, so the failing partition ends the job; the finished ones are on disk
        Run failed = heatbox(label(out, "--spark", "local[1]", "--partition-batches", "1",
                "--spark-conf", PartitionLabeller.FAIL_ONCE + "=4"));
        assertEquals(1, failed.code(), failed.err());
        String line = (failed.err() + failed.log()).lines().filter(l -> l.startsWith("heatbox:")).findFirst().orElse("");
        assertTrue(line.contains("the Spark job failed") && line.contains("rerun with --resume"), failed.err() + failed.log());
        assertFalse(failed.log().contains("\tat "), "no stack trace");
        long parts;
        try (Stream<Path> s = Files.list(out.resolve(PartitionLabeller.PARTS))) {
            parts = s.filter(p -> p.toString().endsWith(".jsonl")).count();
        }
        assertTrue(parts >= 1, "some partitions finished before the failure: " + parts);
        assertFalse(Files.exists(out.resolve("coco/results.json")), "nothing final written by the failed job");
        Run resumed = heatbox(label(out, "--spark", "local[2]", "--partition-batches", "1", "--resume"));
        assertEquals(4, resumed.code(), resumed.err());
        Matcher m = Pattern.compile("resuming: (\\d+) images").matcher(resumed.log());
        assertTrue(m.find(), resumed.log());
        int n = Integer.parseInt(m.group(1));
        assertTrue(n >= 1 && n < 27, "resumed " + n);
        JsonNode a = Json.readTree(single.resolve("coco/results.json"));
        JsonNode b = Json.readTree(out.resolve("coco/results.json"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("image_id"), b.get(i).get("image_id"));
            assertEquals(a.get(i).get("category_id"), b.get(i).get("category_id"));
            assertEquals(a.get(i).get("score").asDouble(), b.get(i).get("score").asDouble(), 1e-6);
        }
    }
}
