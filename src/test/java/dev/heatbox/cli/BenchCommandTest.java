package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** That the quick benchmark runs and writes bench.json in the documented shape (not how fast). */
class BenchCommandTest {
    @Test
    void quickBenchWritesValidJson(@TempDir Path tmp) {
        BadInputTest.Run r = BadInputTest.run("bench", "--quick", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode b = Json.readTree(tmp.resolve("bench.json"));
        assertTrue(b.get("machine").get("cores").asInt() >= 1);
        assertTrue(b.get("results").size() >= 2);
        for (JsonNode row : b.get("results")) {
            assertTrue(row.get("images_per_s_min").asDouble() > 0, row.toString());
            assertTrue(row.get("images_per_s_min").asDouble() <= row.get("images_per_s_median").asDouble());
            assertTrue(row.get("images_per_s_median").asDouble() <= row.get("images_per_s_max").asDouble());
        }
    }

    @Test
    void onlyRunsTheNamedPartsAndRefusesAnUnknownOne(@TempDir Path tmp) {
        BadInputTest.Run r = BadInputTest.run("bench", "--quick", "--only", "maps", "--out", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode rows = Json.readTree(tmp.resolve("bench.json")).get("results");
        assertEquals(3, rows.size(), rows.toString());
        for (JsonNode row : rows) {
            assertTrue(row.get("model").isNull(), "a map row has no model: " + row);
        }
        BadInputTest.Run bad = BadInputTest.run("bench", "--only", "maps,gpu", "--out", tmp.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--only: unknown part 'gpu'"), bad.err());
    }
}
