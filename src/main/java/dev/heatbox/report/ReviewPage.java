package dev.heatbox.report;

import dev.heatbox.data.PixelBox;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.job.LabelJob;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * {@code report.html}: one self-contained page (images inlined, no network) for reviewing
 * pre-annotations: a gallery of overlays (heatmap, boxes with class and score) sorted by score,
 * lowest first so a labeller starts with the doubtful ones, a class filter and per-class counts.
 */
public final class ReviewPage {
    /** Images shown (the lowest-scoring ones); the rest are counted, not shown. */
    public static final int MAX_ITEMS = 200;

    private ReviewPage() {}

    public static void write(Path file, LabelJob.Result r, int mapH, int mapW) {
        Cv.load();
        List<LabeledImage> items = new ArrayList<>(r.images());
        items.sort(Comparator.comparingDouble(ReviewPage::best));
        StringBuilder cards = new StringBuilder();
        int shown = 0;
        for (LabeledImage im : items) {
            if (shown >= MAX_ITEMS) {
                break;
            }
            float[] map = r.firstMaps().get(im.fileName());
            String path = r.imagePaths().get(im.fileName());
            if (path == null) {
                continue;
            }
            Mat orig = Cv.read(Path.of(path), false);
            List<PixelBox> boxes = new ArrayList<>();
            im.detections().forEach(d -> boxes.add(PixelBox.fromCoco(d.bbox())));
            Mat o = map == null ? orig : Overlay.render(orig, map, mapH, mapW, boxes, List.of(), 1);
            double f = 320.0 / Math.max(o.cols(), o.rows());
            Mat small = new Mat();
            Imgproc.resize(o, small, new Size(Math.max(1, o.cols() * f), Math.max(1, o.rows() * f)), 0, 0, Imgproc.INTER_AREA);
            for (LabeledImage.Detection d : im.detections()) {
                double[] b = d.bbox();
                Imgproc.putText(small, String.format(Locale.ROOT, "%s %.2f", d.categoryName(), d.score()),
                        new Point(b[0] * f + 2, Math.max(12, b[1] * f + 12)), Imgproc.FONT_HERSHEY_SIMPLEX, 0.4,
                        new Scalar(255, 255, 255), 1);
            }
            MatOfByte buf = new MatOfByte();
            Imgcodecs.imencode(".jpg", small, buf);
            String classes = String.join(" ", im.detections().stream().map(d -> attr(d.categoryName())).distinct().toList());
            cards.append(String.format(Locale.ROOT,
                    "<figure class=\"item%s\" data-classes=\"%s\" data-score=\"%.4f\"><img alt=\"%s\" src=\"data:image/jpeg;base64,%s\">"
                            + "<figcaption>%s — %s%s</figcaption></figure>%n",
                    im.given() != null && im.given().doubtful() ? " doubtful" : "", classes, best(im), attr(im.fileName()),
                    Base64.getEncoder().encodeToString(buf.toArray()), esc(im.fileName()),
                    im.detections().isEmpty() ? "no box" : esc(describe(im)), given(im.given())));
            shown++;
        }
        StringBuilder counts = new StringBuilder();
        StringBuilder options = new StringBuilder("<option value=\"\">all classes</option>");
        for (Map.Entry<String, Integer> e : LabelJob.counts(r.images()).entrySet()) {
            counts.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(e.getValue()).append("</td></tr>");
            options.append("<option value=\"").append(attr(e.getKey())).append("\">").append(esc(e.getKey())).append("</option>");
        }
        String html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Heatbox review</title>\n<style>"
                + "body{font-family:sans-serif;margin:1em}#gallery{display:flex;flex-wrap:wrap;gap:8px}"
                + "figure{margin:0;width:320px}figure img{max-width:320px}figcaption{font-size:12px}"
                + "table{border-collapse:collapse}td{border:1px solid #ccc;padding:2px 8px}"
                + ".doubtful{outline:3px solid #d60}.flag{color:#b40}</style></head><body>\n"
                + "<h1>Heatbox pre-annotations</h1>\n<p>" + r.images().size() + " images, " + shown
                + " shown (lowest score first). Green boxes: predicted; heat: the explanation of the top class"
                + " (of the first labelled class where images were labelled).</p>\n" + doubtfulLine(r)
                + "<table id=\"counts\"><tr><th>class</th><th>boxes</th></tr>" + counts + "</table>\n"
                + "<p><label>Filter: <select id=\"filter\">" + options + "</select></label> <span id=\"visible\"></span></p>\n"
                + "<div id=\"gallery\">\n" + cards + "</div>\n"
                + "<script>\n"
                + "const items = Array.from(document.querySelectorAll('.item'));\n"
                + "function apply() {\n"
                + "  const c = document.getElementById('filter').value; let n = 0;\n"
                + "  for (const it of items) { const show = !c || it.dataset.classes.split(' ').includes(c);"
                + " it.style.display = show ? '' : 'none'; if (show) n++; }\n"
                + "  document.getElementById('visible').textContent = n + ' shown';\n"
                + "}\n"
                + "document.getElementById('filter').addEventListener('change', apply); apply();\n"
                + "</script>\n</body></html>\n";
        AtomicFiles.writeString(file, html);
    }

    private static String doubtfulLine(LabelJob.Result r) {
        long labelled = r.images().stream().filter(i -> i.given() != null).count();
        if (labelled == 0) {
            return "";
        }
        long doubtful = r.images().stream().filter(i -> i.given() != null && i.given().doubtful()).count();
        return "<p>" + labelled + " images had image-level labels; " + doubtful + " of them (outlined) have a labelled class the"
                + " model gives under " + LabeledImage.Given.DOUBTFUL + " probability.</p>\n";
    }

    /** The image-level labels beside the model's guess; a flag where the model gives the labelled class little probability. */
    private static String given(LabeledImage.Given g) {
        if (g == null) {
            return "";
        }
        String s = String.format(Locale.ROOT, "<br>labelled <b>%s</b>; model's guess: %s %.2f", esc(String.join(", ", g.labels())),
                esc(g.guess() == null ? "?" : g.guess()), g.guessProbability());
        if (g.labelProbability() == null) {
            return s + " — <b class=\"flag\">no label maps to a model class</b>";
        }
        s += String.format(Locale.ROOT, "; labelled class %.3f", g.labelProbability());
        return g.doubtful() ? s + " — <b class=\"flag\">the model doubts this label (below " + LabeledImage.Given.DOUBTFUL
                + "): a label error, or a class the model does not know</b>" : s;
    }

    private static double best(LabeledImage im) {
        return im.detections().stream().mapToDouble(LabeledImage.Detection::score).max().orElse(0);
    }

    private static String describe(LabeledImage im) {
        StringBuilder s = new StringBuilder();
        for (LabeledImage.Detection d : im.detections()) {
            s.append(String.format(Locale.ROOT, "%s %.2f; ", d.categoryName(), d.score()));
        }
        return s.substring(0, s.length() - 2);
    }

    /** Class names go into a space-separated attribute: spaces become underscores. */
    private static String attr(String s) {
        return esc(s.replace(' ', '_'));
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
