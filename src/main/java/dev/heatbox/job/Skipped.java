package dev.heatbox.job;

import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import org.opencv.core.Mat;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Skip-and-continue over many inputs: a bad image is named once, the run goes on, and at the end
 * {@code OUT/skipped.txt} lists what was left out (exit code 4). A run over one input gives that
 * input's one-line error instead (exit code 3).
 */
public final class Skipped {
    /** The exit code of a run that finished but skipped inputs. */
    public static final int EXIT = 4;

    private final boolean single;
    private final Set<String> lines = new LinkedHashSet<>();
    private final Set<Path> files = new LinkedHashSet<>();

    /** @param inputs how many inputs the run has; with one, a bad input is rethrown */
    public Skipped(int inputs) {
        this.single = inputs <= 1;
    }

    /** The image, or null when it is unreadable (then it is recorded, or rethrown for a one-input run). */
    public Mat read(Path image, boolean grey) {
        try {
            return Cv.read(image, grey);
        } catch (BadInputException e) {
            if (single) {
                throw e;
            }
            lines.add(e.getMessage());
            files.add(image);
            return null;
        }
    }

    /** The inputs not skipped so far, in their order. */
    public List<Path> kept(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (!files.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    public void add(String line) {
        lines.add(line);
    }

    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    /** Writes (or removes a stale) {@code dir/skipped.txt}, tells {@code log}, and returns 0 or {@link #EXIT}. */
    public int finish(Path dir, PrintStream log) {
        write(dir, lines());
        if (!lines.isEmpty()) {
            log.println(lines.size() + " inputs skipped (listed in " + dir.resolve("skipped.txt") + "):");
            lines.stream().limit(20).forEach(u -> log.println("  " + u));
        }
        return lines.isEmpty() ? 0 : EXIT;
    }

    /** {@code dir/skipped.txt} with one line per skipped input (temp file + rename), or no such file when none was. */
    public static void write(Path dir, List<String> skipped) {
        Path f = dir.resolve("skipped.txt");
        try {
            if (skipped.isEmpty()) {
                Files.deleteIfExists(f);
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicFiles.writeString(f, String.join("\n", skipped) + "\n");
    }
}
