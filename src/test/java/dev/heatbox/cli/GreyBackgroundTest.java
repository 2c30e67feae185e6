package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.util.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Digits on grey, noisy backgrounds (scans, sensor noise): a CAM network trained on black backgrounds
 * only (a fixture: 4 epochs on 3,200 digits, GT-known 0.82 on black) puts a floor under the whole map,
 * so min-max normalization makes nearly every box the whole image; IVR, which zeroes the map's lower
 * 80 %, gets the digit back. Test images are fresh: synthesized with another seed than the fixture's.
 */
class GreyBackgroundTest {
    static final String BLACK_TRAINED = "src/test/resources/cam-digits-black-4ep";

    static double gtKnown(Path out, String background, String norm) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute("demo", "--model", BLACK_TRAINED, "--count", "1000", "--seed", "5", "--background", background,
                "--norm", norm, "--out", out.toString()));
        return Json.readTree(out.resolve("metrics.json")).get("wsol").get("gt_known_loc").asDouble();
    }

    @Test
    void ivrGetsTheDigitBackWhereMinMaxTakesTheWholeImage(@TempDir Path tmp) {
        double black = gtKnown(tmp.resolve("black"), "black", "minmax");
        double greyMinMax = gtKnown(tmp.resolve("grey-minmax"), "grey-noise", "minmax");
        double greyIvr = gtKnown(tmp.resolve("grey-ivr"), "grey-noise", "ivr:0.8");
        assertTrue(black > 0.7, "on black, as trained: " + black);
        assertTrue(greyMinMax < 0.25, "min-max on grey noise: " + greyMinMax);
        assertTrue(greyIvr > greyMinMax + 0.3, "IVR on grey noise: " + greyIvr + " vs min-max " + greyMinMax);
    }
}
