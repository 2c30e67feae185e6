package dev.heatbox.score;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * PASCAL VOC AP per class, a port of py-faster-rcnn's {@code voc_eval}: detections in
 * descending score order (stable for ties), each matched to the ground truth of highest IoU
 * (+1 pixel areas) in its image; a match needs IoU &gt; 0.5 by default ({@code iouGe} gives the
 * MATLAB devkit's ≥); a match to a {@code difficult} box counts neither way; a second match to
 * the same box is a false positive. AP is the VOC2010+ all-point area, AP07 the 11-point mean.
 */
public final class VocEval {
    /** A box in VOC pixel corners (x0, y0, x1, y1), inclusive. */
    public record GtBox(String image, String cls, double[] box, boolean difficult) {}

    public record Detection(String image, String cls, double score, double[] box) {}

    public record ClassResult(double ap, double ap07, int npos, int tp, int fp, double[] recall, double[] precision) {}

    private final double iouThreshold;
    private final boolean iouGe;

    public VocEval(double iouThreshold, boolean iouGe) {
        this.iouThreshold = iouThreshold;
        this.iouGe = iouGe;
    }

    /** Per-class results for every class present in the ground truth, in name order. */
    public Map<String, ClassResult> evaluate(List<GtBox> gt, List<Detection> dets) {
        TreeSet<String> classes = new TreeSet<>();
        gt.forEach(g -> classes.add(g.cls()));
        Map<String, ClassResult> out = new LinkedHashMap<>();
        for (String c : classes) {
            out.put(c, evaluateClass(c, gt, dets));
        }
        return out;
    }

    public ClassResult evaluateClass(String cls, List<GtBox> gt, List<Detection> dets) {
        Map<String, List<GtBox>> byImage = new HashMap<>();
        int npos = 0;
        for (GtBox g : gt) {
            if (g.cls().equals(cls)) {
                byImage.computeIfAbsent(g.image(), k -> new ArrayList<>()).add(g);
                if (!g.difficult()) {
                    npos++;
                }
            }
        }
        Map<String, boolean[]> used = new HashMap<>();
        byImage.forEach((k, v) -> used.put(k, new boolean[v.size()]));
        List<Detection> d = new ArrayList<>();
        for (Detection x : dets) {
            if (x.cls().equals(cls)) {
                d.add(x);
            }
        }
        d.sort((a, b) -> Double.compare(b.score(), a.score()));
        int nd = d.size();
        double[] tp = new double[nd];
        double[] fp = new double[nd];
        for (int i = 0; i < nd; i++) {
            Detection det = d.get(i);
            List<GtBox> r = byImage.getOrDefault(det.image(), List.of());
            double ovmax = Double.NEGATIVE_INFINITY;
            int jmax = -1;
            for (int j = 0; j < r.size(); j++) {
                double o = Iou.voc(det.box(), r.get(j).box());
                if (o > ovmax) { // np.argmax: the first of equal maxima
                    ovmax = o;
                    jmax = j;
                }
            }
            boolean match = iouGe ? ovmax >= iouThreshold : ovmax > iouThreshold;
            if (match) {
                if (!r.get(jmax).difficult()) {
                    boolean[] u = used.get(det.image());
                    if (!u[jmax]) {
                        tp[i] = 1;
                        u[jmax] = true;
                    } else {
                        fp[i] = 1;
                    }
                }
            } else {
                fp[i] = 1;
            }
        }
        double[] rec = new double[nd];
        double[] prec = new double[nd];
        double ctp = 0;
        double cfp = 0;
        for (int i = 0; i < nd; i++) {
            ctp += tp[i];
            cfp += fp[i];
            rec[i] = ctp / npos;
            prec[i] = ctp / Math.max(ctp + cfp, Math.ulp(1.0));
        }
        return new ClassResult(allPointAp(rec, prec), elevenPointAp(rec, prec), npos, (int) ctp, (int) cfp, rec, prec);
    }

    /** VOC2010+: area under the precision envelope at every recall change. */
    static double allPointAp(double[] rec, double[] prec) {
        int n = rec.length;
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        mrec[n + 1] = 1;
        System.arraycopy(rec, 0, mrec, 1, n);
        System.arraycopy(prec, 0, mpre, 1, n);
        for (int i = mpre.length - 1; i > 0; i--) {
            mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
        }
        double ap = 0;
        for (int i = 0; i < mrec.length - 1; i++) {
            if (mrec[i + 1] != mrec[i]) {
                ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
            }
        }
        return ap;
    }

    /** VOC2007: mean over t in np.arange(0, 1.1, 0.1) (0.30000000000000004 included) of max precision at recall ≥ t. */
    static double elevenPointAp(double[] rec, double[] prec) {
        double ap = 0;
        for (int k = 0; k < 11; k++) {
            double t = k * 0.1;
            double p = 0;
            for (int i = 0; i < rec.length; i++) {
                if (rec[i] >= t) {
                    p = Math.max(p, prec[i]);
                }
            }
            ap += p / 11.0;
        }
        return ap;
    }
}
