package dev.heatbox.localize;

import dev.heatbox.export.LabeledImage;
import dev.heatbox.score.Iou;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy non-maximum suppression per category: boxes taken in descending score, each dropped when
 * it overlaps a kept box of its category by IoU above the limit (COCO's continuous IoU). The kept
 * boxes stay in their original order, so a run that suppresses nothing writes what it wrote before.
 */
public final class Nms {
    private Nms() {}

    public static List<LabeledImage.Detection> suppress(List<LabeledImage.Detection> dets, double maxIou) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -dets.get(i).score()).thenComparingInt(i -> i));
        boolean[] keep = new boolean[dets.size()];
        List<Integer> kept = new ArrayList<>();
        for (int i : order) {
            LabeledImage.Detection d = dets.get(i);
            boolean overlaps = false;
            for (int k : kept) {
                LabeledImage.Detection o = dets.get(k);
                if (o.categoryId() == d.categoryId() && Iou.coco(o.bbox(), d.bbox()) > maxIou) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                kept.add(i);
                keep[i] = true;
            }
        }
        List<LabeledImage.Detection> out = new ArrayList<>();
        for (int i = 0; i < dets.size(); i++) {
            if (keep[i]) {
                out.add(dets.get(i));
            }
        }
        return out;
    }
}
