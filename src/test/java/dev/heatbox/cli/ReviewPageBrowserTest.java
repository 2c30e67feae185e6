package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html in a real headless Chromium (Debian's package, which .ci/run installs): loads, runs its script, shows every item. */
class ReviewPageBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void reportLoadsWithoutErrorsAndShowsEveryImage(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed (.ci/run installs it)");
        Path dir = tmp.resolve("imgs");
        Files.createDirectories(dir);
        for (String n : List.of("train2017_000000252639.jpg", "val2017_000000519208.jpg", "train2017_000000425988.jpg")) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), dir.resolve(n));
        }
        Path out = tmp.resolve("out");
        assertEquals(0, BadInputTest.run("label", "--model", "models/mobilenet_v1_0.25_128", "--images", dir.toString(),
                "--out", out.toString()).code());
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + tmp.resolve("profile"), "--enable-logging=stderr", "--v=0",
                "--dump-dom", out.resolve("report.html").toUri().toString())
                .redirectError(tmp.resolve("err.txt").toFile()).redirectOutput(tmp.resolve("dom.html").toFile()).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        String dom = Files.readString(tmp.resolve("dom.html"));
        String err = Files.readString(tmp.resolve("err.txt"));
        Matcher figures = Pattern.compile("<figure class=\"item\"").matcher(dom);
        int n = 0;
        while (figures.find()) {
            n++;
        }
        assertEquals(3, n, "one item per image");
        assertTrue(dom.contains("<span id=\"visible\">3 shown</span>"), "the page's script ran: " + dom.length());
        assertFalse(err.contains("Uncaught"), err);
    }
}
