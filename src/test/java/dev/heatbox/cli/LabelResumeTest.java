package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of a label run, then --resume: the same annotations as an uninterrupted run. */
class LabelResumeTest {
    @Test
    void killedRunResumesToTheSameOutput(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("imgs");
        Files.createDirectories(dir);
        List<Path> src;
        try (Stream<Path> s = Files.list(Path.of("datasets/coco-sample/images"))) {
            src = s.sorted().toList();
        }
        for (int copy = 0; copy < 4; copy++) {
            for (Path p : src) {
                Files.copy(p, dir.resolve("c" + copy + "_" + p.getFileName()));
            }
        }
        String[] args = {"label", "--model", "models/mobilenet_v1_0.25_128", "--images", dir.toString(), "--batch", "2",
            "--target", "top2", "--boxes", "all"};

        // the uninterrupted run
        assertEquals(0, BadInputTest.run(concat(args, "--out", tmp.resolve("full").toString())).code());

        // a run killed with SIGKILL once a few batches are in the journal
        Path out = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "dev.heatbox.cli.Main"));
        cmd.addAll(List.of(concat(args, "--out", out.toString())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("log.txt").toFile()).start();
        Path journal = out.resolve(LabelCommand.JOURNAL);
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline && p.isAlive()
                && (!Files.exists(journal) || Files.readAllLines(journal).size() < 12)) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the run finished before it could be killed: " + Files.readString(tmp.resolve("log.txt")));
        p.destroyForcibly().waitFor();
        int journaled = Files.readAllLines(journal).size() - 1;
        assertTrue(journaled >= 11 && journaled < 108, "killed after " + journaled + " images");
        assertTrue(!Files.exists(out.resolve("coco/results.json")), "nothing final written before the end");

        assertEquals(0, BadInputTest.run(concat(args, "--out", out.toString(), "--resume")).code());
        JsonNode a = Json.readTree(tmp.resolve("full/coco/results.json"));
        JsonNode b = Json.readTree(out.resolve("coco/results.json"));
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).get("image_id").asLong(), b.get(i).get("image_id").asLong());
            assertEquals(a.get(i).get("category_id").asLong(), b.get(i).get("category_id").asLong());
            assertEquals(a.get(i).get("score").asDouble(), b.get(i).get("score").asDouble(), 1e-6);
            for (int k = 0; k < 4; k++) {
                assertEquals(a.get(i).get("bbox").get(k).asDouble(), b.get(i).get("bbox").get(k).asDouble(), 1e-3);
            }
        }
        assertEquals(Json.readTree(tmp.resolve("full/coco/annotations.json")).get("images"),
                Json.readTree(out.resolve("coco/annotations.json")).get("images"));
        assertEquals(Files.readString(tmp.resolve("full/yolo/classes.txt")), Files.readString(out.resolve("yolo/classes.txt")));
        assertTrue(!Files.exists(journal), "journal removed once everything is written");
    }

    static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
