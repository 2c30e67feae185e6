package dev.heatbox.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `heatbox review` in a real headless Chromium (Debian's package, which .ci/run installs), with
 * trusted key presses and mouse drags: reject a box, drag another's corner, reload, and find the
 * edits both on the page and in reviewed/annotations.json.
 */
class ReviewBrowserTest {
    @Test
    void rejectAndDragAreSavedAndSurviveAReload(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(DevTools.CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
        Path out = ReviewServerTest.labelThreePhotos(tmp);
        ReviewStore store = ReviewStore.open(out);
        store.save();
        try (ReviewServer server = ReviewServer.start(store, "127.0.0.1", 0); DevTools b = DevTools.start(tmp, 1400, 900)) {
            b.call("Runtime.enable", Map.of());
            b.navigate(server.url());
            b.waitFor("the review page", () -> b.truthy("window.heatboxReady === true"));

            // the first image (lowest score): reject its box with the keyboard
            long first = b.eval("item().image.id").asLong();
            int firstBoxes = b.eval("item().boxes.length").asInt();
            assertTrue(firstBoxes >= 1, "the first image has a box to reject");
            b.key("x", "KeyX", 88, "x");
            b.waitFor("the reject to be saved", () -> b.truthy("window.heatboxSaves === 1 && window.heatboxPending === 0"));

            // the next image: drag the selected box's bottom-right corner 60 px left and 40 px up (screen pixels)
            b.key("ArrowRight", "ArrowRight", 39, "");
            b.waitFor("the second image", () -> b.truthy("cur === 1 && window.heatboxShown === photo.src"));
            long second = b.eval("item().image.id").asLong();
            JsonNode before = b.eval("item().boxes[0].bbox");
            double scale = b.eval("scale()").asDouble();
            JsonNode handle = b.eval("(() => { const r = document.querySelector('.handle[data-corner=\"br\"]')"
                    + ".getBoundingClientRect(); return [r.x + r.width / 4, r.y + r.height / 4]; })()");
            double hx = handle.get(0).asDouble();
            double hy = handle.get(1).asDouble();
            b.drag(hx, hy, hx - 60, hy - 40);
            b.waitFor("the drag to be saved", () -> b.truthy("window.heatboxSaves === 2 && window.heatboxPending === 0"));
            double[] want = {before.get(0).asDouble(), before.get(1).asDouble(), before.get(2).asDouble() - 60 / scale,
                before.get(3).asDouble() - 40 / scale};

            // reload: the page comes back on the same image, with both edits
            b.call("Page.reload", Map.of());
            b.waitFor("the reloaded page", () -> b.truthy("window.heatboxReady === true && cur === 1"));
            JsonNode after = b.eval("item().boxes[0]");
            assertEquals("edited", after.get("heatbox_review").asText());
            for (int i = 0; i < 4; i++) {
                assertEquals(want[i], after.get("bbox").get(i).asDouble(), 0.01, "bbox[" + i + "] after the drag: " + after);
            }
            assertEquals(firstBoxes - 1, b.eval("items[0].boxes.length").asInt(), "the rejected box stays gone");

            // ... and in the file, which any COCO reader takes
            JsonNode saved = Json.readTree(out.resolve(ReviewStore.FILE));
            int onFirst = 0;
            JsonNode onSecond = null;
            for (JsonNode a : saved.get("annotations")) {
                if (a.get("image_id").asLong() == first) {
                    onFirst++;
                } else if (a.get("image_id").asLong() == second) {
                    onSecond = a;
                }
            }
            assertEquals(firstBoxes - 1, onFirst);
            for (int i = 0; i < 4; i++) {
                assertEquals(after.get("bbox").get(i).asDouble(), onSecond.get("bbox").get(i).asDouble(), 0, "saved bbox[" + i + "]");
            }
            assertEquals("edited", onSecond.get("heatbox_review").asText());

            // the heatmap on demand
            b.key("h", "KeyH", 72, "h");
            b.waitFor("the heatmap", () -> b.truthy("window.heatboxShown.includes('/heat/') && photo.naturalWidth > 0"));
            Path shot = Path.of("target/review-page.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, b.screenshot());

            // the token guards everything; a path that leaves the API is not found
            String origin = b.eval("location.origin").asText();
            assertEquals(403, b.eval("fetch('" + origin + "/').then(r => r.status)").asInt());
            assertEquals(403, b.eval("fetch('" + origin + "/0123456789abcdef0123456789abcdef/api/items').then(r => r.status)").asInt());
            assertEquals(404, b.eval("fetch(base + 'image/..%2f..%2f..%2fetc%2fpasswd').then(r => r.status)").asInt());
            assertEquals(404, b.eval("fetch(base + '../' + location.pathname.split('/')[1] + '/run.json').then(r => r.status)")
                    .asInt());
            assertEquals(200, b.eval("fetch(base + 'api/items').then(r => r.status)").asInt());
            assertTrue(b.pageErrors.isEmpty(), "uncaught errors on the page: " + b.pageErrors);
        }
    }
}
