package dev.heatbox.tune;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heatbox.explain.Fusion;
import dev.heatbox.localize.BoxRule;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How to make boxes from a model, as {@code heatbox tune} picked it on labelled images: the method,
 * the layer (and, for fusion, {@code fuse}: "max:L2,L3" or "mean:…", later layers combined with it),
 * the map's normalization and test-time augmentation, the box threshold τ (a fraction of the map's
 * max) and box rule ({@code largest}, {@code all}, {@code instances:DIP:MIN_AREA}). The measured
 * figures say what it scored where it was tuned; {@code ap50}: COCO AP50 of its boxes there, each image
 * boxed for its labelled categories (as {@code label --labels} does).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recipe(String method, String layer, String fuse, String norm, String tta, double threshold, String boxes, String refine, Double nms,
                     Double maxBoxAccV2, Double gtKnownLoc, Double secondsPerImage, Double costVsGradCam, String tunedOn, Double ap50) {

    public Recipe(String method, String layer, String fuse, String norm, String tta, double threshold, String boxes, String refine,
                  Double nms, Double maxBoxAccV2, Double gtKnownLoc, Double secondsPerImage, Double costVsGradCam, String tunedOn) {
        this(method, layer, fuse, norm, tta, threshold, boxes, refine, nms, maxBoxAccV2, gtKnownLoc, secondsPerImage, costVsGradCam,
                tunedOn, null);
    }

    /** The same maps with another box rule and τ, chosen by COCO AP50. */
    public Recipe withBoxes(String rule, double tau, double ap) {
        return new Recipe(method, layer, fuse, norm, tta, tau, rule, refine, nms, maxBoxAccV2, gtKnownLoc, secondsPerImage,
                costVsGradCam, tunedOn, ap);
    }

    public void write(Path file) {
        Json.write(file, this);
    }

    public static Recipe read(Path file) {
        try {
            Recipe r = Json.MAPPER.treeToValue(Json.readTree(file), Recipe.class);
            if (r.method() == null || r.norm() == null || r.tta() == null || !(r.threshold() >= 0 && r.threshold() < 1)) {
                throw BadInputException.of(file, "a recipe needs method, norm, tta and a threshold in [0, 1)");
            }
            if (r.nms() != null && !(r.nms() >= 0 && r.nms() <= 1)) {
                throw BadInputException.of(file, "nms is an IoU in [0, 1]");
            }
            if (r.boxes() != null) {
                try {
                    BoxRule.parse(r.boxes());
                } catch (IllegalArgumentException e) {
                    throw BadInputException.of(file, "boxes: " + e.getMessage());
                }
            }
            if (r.fuse() != null) {
                try {
                    Fusion.parse(r.fuse());
                } catch (IllegalArgumentException e) {
                    throw BadInputException.of(file, e.getMessage());
                }
            }
            return r;
        } catch (IOException | IllegalArgumentException e) {
            throw BadInputException.of(file, "not a recipe file (" + e.getClass().getSimpleName() + ")");
        }
    }
}
