package dev.heatbox.job;

import dev.heatbox.export.LabelRun;
import dev.heatbox.report.ReviewPage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The assembly of a label run's outputs from its labelled images, shared by {@code heatbox label}
 * and the Spark job so that both write the same bytes: the requested formats, {@code run.json},
 * {@code report.html} and {@code skipped.txt}, each through a temp file and a rename.
 */
public final class LabelOutput {
    private LabelOutput() {}

    /** @param mapH the heatmaps' height and width (the model's input size), for the report's overlays */
    public static void write(Path out, LabelJob.Result r, List<String> formats, String lsImageRoot, int mapH, int mapW,
                             PrintStream log) throws IOException {
        LabelRun run = new LabelRun(r.images(), r.categories(), r.imagePaths());
        run.write(out, formats, lsImageRoot, log);
        run.save(out); // `heatbox export --from OUT` and `heatbox review OUT` work from it
        ReviewPage.write(out.resolve("report.html"), r, mapH, mapW);
        Skipped.write(out, r.skipped());
    }

    /** The closing summary: counts per class, unmapped and skipped images. */
    public static void summary(PrintStream s, Path out, LabelJob.Result r, double secs) {
        int boxCount = r.images().stream().mapToInt(i -> i.detections().size()).sum();
        s.printf(Locale.ROOT, "labelled %d images (%d boxes) in %.1f s, %.1f images/s%n", r.images().size(), boxCount,
                secs, r.images().size() / secs);
        for (Map.Entry<String, Integer> e : LabelJob.counts(r.images()).entrySet()) {
            s.printf(Locale.ROOT, "  %-24s %6d%n", e.getKey(), e.getValue());
        }
        long labelled = r.images().stream().filter(i -> i.given() != null).count();
        if (labelled > 0) {
            long doubtful = r.images().stream().filter(i -> i.given() != null && i.given().doubtful()).count();
            s.println(labelled + " images boxed for their image-level labels; " + doubtful + " with a labelled class the model"
                    + " gives under " + dev.heatbox.export.LabeledImage.Given.DOUBTFUL + " (flagged in report.html)");
        }
        if (!r.unmapped().isEmpty()) {
            s.println(r.unmapped().size() + (labelled > 0 ? " images with nothing to box (no boxes):"
                    : " images whose top classes map to no category (no boxes):"));
            r.unmapped().stream().limit(20).forEach(u -> s.println("  " + u));
        }
        if (!r.skipped().isEmpty()) {
            s.println(r.skipped().size() + " inputs skipped (listed in " + out.resolve("skipped.txt") + "):");
            r.skipped().stream().limit(20).forEach(u -> s.println("  " + u));
        }
        s.println("output in " + out);
    }
}
