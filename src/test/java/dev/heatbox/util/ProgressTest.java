package dev.heatbox.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void aLogGetsWholeLinesAtMostEveryFewSecondsAndTheLastOne() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        Progress p = new Progress(new PrintStream(buf, true, StandardCharsets.UTF_8), false, 5 * SECOND, now::get);
        for (int i = 1; i <= 10; i++) {
            now.set(i * SECOND);
            p.update("explained " + (16 * i) + "/160 images");
        }
        p.finish();
        assertEquals("explained 16/160 images\nexplained 96/160 images\nexplained 160/160 images\n",
                buf.toString(StandardCharsets.UTF_8), "the first, one 5 s later, and the last; each its own line");
    }

    @Test
    void aTerminalGetsOneLineRewrittenInPlace() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(buf, true, StandardCharsets.UTF_8), true, 5 * SECOND, () -> 0);
        p.update("explained 16/32 images");
        p.update("done 32/32");
        p.finish();
        assertEquals("\rexplained 16/32 images\rdone 32/32            \n", buf.toString(StandardCharsets.UTF_8),
                "a shorter line blanks what is left of the longer one");
    }
}
