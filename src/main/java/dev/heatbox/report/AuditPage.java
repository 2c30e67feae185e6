package dev.heatbox.report;

import dev.heatbox.data.PixelBox;
import dev.heatbox.score.EvidenceAudit;
import dev.heatbox.util.AtomicFiles;
import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** audit.html: the worst examples (least energy on the object) of each flagged class, as overlays. */
public final class AuditPage {
    public static final int PER_CLASS = 8;

    private AuditPage() {}

    /** One image kept as an example: its scores, its map and its ground-truth boxes (map resolution). */
    public record Example(Path image, EvidenceAudit.ImageScore score, float[] map, int h, int w, List<PixelBox> boxes) {}

    public static void write(Path file, List<String> flagged, Map<String, List<Example>> examples, String rule) {
        StringBuilder body = new StringBuilder();
        if (flagged.isEmpty()) {
            body.append("<p>No class is flagged.</p>\n");
        }
        for (String c : flagged) {
            body.append("<h2>").append(esc(c)).append("</h2>\n<div class=\"row\">\n");
            for (Example e : examples.getOrDefault(c, List.of())) {
                Mat img = Cv.read(e.image(), false);
                Mat resized = new Mat();
                Imgproc.resize(img, resized, new Size(e.w(), e.h()));
                Mat o = Overlay.render(resized, e.map(), e.h(), e.w(), List.of(), e.boxes(), 192);
                MatOfByte buf = new MatOfByte();
                Imgcodecs.imencode(".jpg", o, buf);
                body.append(String.format(Locale.ROOT, "<figure><img src=\"data:image/jpeg;base64,%s\"><figcaption>%s<br>"
                        + "energy in box %.2f (box share %.2f)</figcaption></figure>%n",
                        Base64.getEncoder().encodeToString(buf.toArray()), esc(e.image().getFileName().toString()),
                        e.score().energyInBox(), e.score().boxAreaShare()));
            }
            body.append("</div>\n");
        }
        String html = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Heatbox audit</title><style>"
                + "body{font-family:sans-serif;margin:1em}.row{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0}"
                + "figcaption{font-size:12px}</style></head><body>\n<h1>Heatbox audit: flagged classes</h1>\n<p>Rule: "
                + esc(rule) + ". Red: ground-truth boxes; heat: the explanation of the ground-truth class.</p>\n" + body
                + "</body></html>\n";
        AtomicFiles.writeString(file, html);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
