package dev.heatbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The reference fixtures copied into src/test/resources/fixtures (provenance in MANIFEST.tsv). */
public final class Fixtures {
    private Fixtures() {}

    public static Path path(String relative) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + relative).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture " + relative, e);
        }
    }

    public static JsonNode json(String relative) {
        return Json.readTree(path(relative));
    }
}
