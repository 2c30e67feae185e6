package dev.heatbox.util;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress of a long run: on a terminal one line rewritten in place ({@code \r}); anywhere else (a log
 * file, a pipe, CI) one whole line per update at most every few seconds, each ending in a newline,
 * and the last one always, so logs read line by line instead of running together.
 */
public final class Progress {
    /** Updates printed at most this often when the output is not a terminal. */
    public static final long EVERY_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long everyNanos;
    private final LongSupplier clock;
    private long last = Long.MIN_VALUE;
    private String pending;
    private int width;

    public Progress(PrintStream out, boolean terminal, long everyNanos, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.everyNanos = everyNanos;
        this.clock = clock;
    }

    /** Progress on {@code out}, as a rewritten line when this process has a terminal. */
    public static Progress on(PrintStream out) {
        return new Progress(out, System.console() != null, EVERY_NANOS, System::nanoTime);
    }

    /** Shows the current state; {@code line} without a newline. */
    public void update(String line) {
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
            out.flush();
            return;
        }
        long now = clock.getAsLong();
        if (last == Long.MIN_VALUE || now - last >= everyNanos) {
            out.println(line);
            last = now;
            pending = null;
        } else {
            pending = line;
        }
    }

    /** Ends the progress: the terminal line is closed, and elsewhere the last state is printed if it was not. */
    public void finish() {
        if (terminal) {
            if (width > 0) {
                out.println();
            }
        } else if (pending != null) {
            out.println(pending);
            pending = null;
        }
        out.flush();
    }
}
