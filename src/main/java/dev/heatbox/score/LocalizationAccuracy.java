package dev.heatbox.score;

import dev.heatbox.data.PixelBox;
import java.util.List;

/**
 * GT-known Loc and Top-1 Loc at one IoU threshold δ (wsolevaluation's IoU, ≥ δ), plus the mean
 * best IoU. GT-known: the box from the ground-truth class's map overlaps any of that class's
 * boxes with IoU ≥ δ. Top-1: the same, and the top-1 class is correct.
 */
public final class LocalizationAccuracy {
    private final double delta;
    private long images;
    private long gtKnownHits;
    private long top1Hits;
    private long top1Correct;
    private double iouSum;

    public LocalizationAccuracy(double delta) {
        this.delta = delta;
    }

    /**
     * @param predicted box from the ground-truth class's map (null when the map gave none)
     * @param gtBoxes   the image's ground-truth boxes of that class, same resolution as the map
     * @param top1Right whether the classifier's top-1 class is the ground-truth class
     */
    public void accumulate(PixelBox predicted, List<PixelBox> gtBoxes, boolean top1Right) {
        images++;
        double best = 0;
        if (predicted != null) {
            for (PixelBox g : gtBoxes) {
                best = Math.max(best, Iou.wsol(predicted, g));
            }
        }
        iouSum += best;
        boolean hit = best >= delta;
        if (hit) {
            gtKnownHits++;
        }
        if (top1Right) {
            top1Correct++;
            if (hit) {
                top1Hits++;
            }
        }
    }

    public record Result(long images, double gtKnownLoc, double top1Loc, double top1Accuracy, double iouMean) {}

    public Result compute() {
        if (images == 0) {
            return new Result(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double n = images;
        return new Result(images, gtKnownHits / n, top1Hits / n, top1Correct / n, iouSum / n);
    }
}
