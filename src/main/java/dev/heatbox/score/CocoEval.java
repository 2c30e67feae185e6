package dev.heatbox.score;

import dev.heatbox.data.Coco;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * COCO box AP/AR, a port of pycocotools' COCOeval for iouType "bbox", conventions included:
 * 10 IoU thresholds and 101 recall points built like numpy.linspace, greedy matching in score
 * order with ties toward the later ground truth, crowd and area-range ignores with both range
 * ends inclusive on the annotation's {@code area} field, the 1/10/100 detection caps, and a
 * ground truth whose id is 0 counting as unmatched (pycocotools' behaviour, kept on purpose).
 */
public final class CocoEval {
    public static final String[] STAT_NAMES = {"AP", "AP50", "AP75", "APs", "APm", "APl",
        "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"};

    /** An area range with its label, e.g. ("small", 0, 32²). */
    public record AreaRange(String label, double lo, double hi) {}

    public static final List<AreaRange> DEFAULT_AREAS = List.of(new AreaRange("all", 0, 1e5 * 1e5),
            new AreaRange("small", 0, 32 * 32), new AreaRange("medium", 32 * 32, 96 * 96),
            new AreaRange("large", 96 * 96, 1e5 * 1e5));

    private final double[] iouThrs = linspace(0.5, 0.95, 10);
    private final double[] recThrs = linspace(0.0, 1.0, 101);
    private final int[] maxDets = {1, 10, 100};
    private final List<AreaRange> areas;

    private record Gt(long id, double[] bbox, double area, boolean crowd) {}

    private record Dt(long id, double[] bbox, double area, double score) {}

    /** evaluateImg's result for one (category, area, image). */
    private record ImgEval(long[][] dtMatches, boolean[][] dtIgnore, boolean[] gtIgnore, double[] dtScores) {}

    private long[] imgIds;
    private long[] catIds;
    /** precision [T][R][K][A][M] and recall [T][K][A][M], −1 where undefined. */
    private double[][][][][] precision;
    private double[][][][] recall;

    public CocoEval() {
        this(DEFAULT_AREAS);
    }

    public CocoEval(List<AreaRange> areas) {
        this.areas = areas;
    }

    /** numpy.linspace(start, stop, num): i·((stop − start)/(num − 1)) + start, the last value exactly stop. */
    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] v = new double[num];
        for (int i = 0; i < num; i++) {
            v[i] = i * step + start;
        }
        v[num - 1] = stop;
        return v;
    }

    /**
     * The ground truth per (image, category) as COCOeval._prepare gathers it: getAnnIds walks the
     * images in id order and each image's annotations in file order, keeps those of a known
     * category, and loadAnns looks each id up in a dict where a duplicated id holds the last
     * annotation with it, which then stands in for every annotation with that id.
     */
    private static Map<String, List<Gt>> groundTruth(Coco.Dataset gt, Set<Long> imgs, Set<Long> cats) {
        Map<Long, Coco.Annotation> byId = new HashMap<>();
        Map<Long, List<Coco.Annotation>> byImage = new HashMap<>();
        for (Coco.Annotation a : gt.annotations) {
            byId.put(a.id, a);
            byImage.computeIfAbsent(a.image_id, k -> new ArrayList<>()).add(a);
        }
        Map<String, List<Gt>> gts = new HashMap<>();
        for (long img : imgs) {
            for (Coco.Annotation listed : byImage.getOrDefault(img, List.of())) {
                if (!cats.contains(listed.category_id)) {
                    continue;
                }
                Coco.Annotation a = byId.get(listed.id);
                double area = a.area != null ? a.area : a.bbox[2] * a.bbox[3];
                gts.computeIfAbsent(key(a.image_id, a.category_id), k -> new ArrayList<>())
                        .add(new Gt(a.id, a.bbox, area, a.iscrowd != 0));
            }
        }
        return gts;
    }

    /**
     * Evaluates results against ground truth. Results must name only ground-truth images
     * (pycocotools' loadRes asserts it; callers check first); results for categories absent
     * from the ground truth never take part, as in pycocotools.
     */
    public void evaluate(Coco.Dataset gt, List<Coco.Result> results) {
        TreeSet<Long> imgs = new TreeSet<>();
        gt.images.forEach(i -> imgs.add(i.id));
        TreeSet<Long> cats = new TreeSet<>();
        gt.categories.forEach(c -> cats.add(c.id));
        imgIds = imgs.stream().mapToLong(Long::longValue).toArray();
        // evaluate() takes np.unique of the ids: a duplicated category or image id counts once
        catIds = cats.stream().mapToLong(Long::longValue).toArray();

        Map<String, List<Gt>> gts = groundTruth(gt, imgs, cats);
        Map<String, List<Dt>> dts = new HashMap<>();
        long nextId = 1;
        for (Coco.Result r : results) {
            long id = nextId++; // loadRes numbers results from 1 in file order
            if (imgs.contains(r.image_id) && cats.contains(r.category_id)) {
                dts.computeIfAbsent(key(r.image_id, r.category_id), k -> new ArrayList<>())
                        .add(new Dt(id, r.bbox, r.bbox[2] * r.bbox[3], r.score));
            }
        }

        int kN = catIds.length;
        int aN = areas.size();
        int iN = imgIds.length;
        ImgEval[] evalImgs = new ImgEval[kN * aN * iN];
        int maxDet = maxDets[maxDets.length - 1];
        for (int k = 0; k < kN; k++) {
            for (int i = 0; i < iN; i++) {
                String key = key(imgIds[i], catIds[k]);
                List<Gt> g = gts.getOrDefault(key, List.of());
                List<Dt> d = sortedByScore(dts.getOrDefault(key, List.of()), maxDet);
                double[][] ious = ious(d, g);
                for (int a = 0; a < aN; a++) {
                    evalImgs[k * aN * iN + a * iN + i] = evaluateImg(g, d, ious, areas.get(a));
                }
            }
        }
        accumulate(evalImgs);
    }

    private static String key(long img, long cat) {
        return img + "/" + cat;
    }

    /** Stable sort by descending score (numpy's mergesort), capped at maxDet. */
    private static List<Dt> sortedByScore(List<Dt> d, int maxDet) {
        List<Dt> s = new ArrayList<>(d);
        s.sort((x, y) -> Double.compare(y.score(), x.score()));
        return s.size() > maxDet ? new ArrayList<>(s.subList(0, maxDet)) : s;
    }

    /** maskUtils.iou for boxes: continuous w·h areas; for a crowd ground truth the union is the detection's area. */
    private static double[][] ious(List<Dt> d, List<Gt> g) {
        double[][] o = new double[d.size()][g.size()];
        for (int i = 0; i < d.size(); i++) {
            double[] db = d.get(i).bbox();
            for (int j = 0; j < g.size(); j++) {
                double[] gb = g.get(j).bbox();
                double w = Math.min(db[0] + db[2], gb[0] + gb[2]) - Math.max(db[0], gb[0]);
                double h = Math.min(db[1] + db[3], gb[1] + gb[3]) - Math.max(db[1], gb[1]);
                if (w <= 0 || h <= 0) {
                    continue;
                }
                double inter = w * h;
                double da = db[2] * db[3];
                double union = g.get(j).crowd() ? da : da + gb[2] * gb[3] - inter;
                o[i][j] = inter / union;
            }
        }
        return o;
    }

    private ImgEval evaluateImg(List<Gt> gAll, List<Dt> d, double[][] iousAll, AreaRange ar) {
        if (gAll.isEmpty() && d.isEmpty()) {
            return null;
        }
        int gN = gAll.size();
        boolean[] ignoreRaw = new boolean[gN];
        for (int j = 0; j < gN; j++) {
            Gt g = gAll.get(j);
            ignoreRaw[j] = g.crowd() || g.area() < ar.lo() || g.area() > ar.hi();
        }
        // not-ignored ground truth first, order otherwise kept (argsort mergesort on the flag)
        int[] order = new int[gN];
        int p = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < gN; j++) {
                if (ignoreRaw[j] == (pass == 1)) {
                    order[p++] = j;
                }
            }
        }
        int tN = iouThrs.length;
        int dN = d.size();
        long[][] gtm = new long[tN][gN];
        long[][] dtm = new long[tN][dN];
        boolean[][] dtIg = new boolean[tN][dN];
        boolean[] gtIg = new boolean[gN];
        boolean[] crowd = new boolean[gN];
        for (int j = 0; j < gN; j++) {
            gtIg[j] = ignoreRaw[order[j]];
            crowd[j] = gAll.get(order[j]).crowd();
        }
        boolean[][] gtmSet = new boolean[tN][gN];
        if (dN > 0 && gN > 0) {
            for (int t = 0; t < tN; t++) {
                for (int di = 0; di < dN; di++) {
                    double iou = Math.min(iouThrs[t], 1 - 1e-10);
                    int m = -1;
                    for (int gi = 0; gi < gN; gi++) {
                        if (gtmSet[t][gi] && gtm[t][gi] > 0 && !crowd[gi]) {
                            continue;
                        }
                        if (m > -1 && !gtIg[m] && gtIg[gi]) {
                            break;
                        }
                        double v = iousAll[di][order[gi]];
                        if (v < iou) {
                            continue;
                        }
                        iou = v;
                        m = gi;
                    }
                    if (m == -1) {
                        continue;
                    }
                    dtIg[t][di] = gtIg[m];
                    dtm[t][di] = gAll.get(order[m]).id();
                    gtm[t][m] = d.get(di).id();
                    gtmSet[t][m] = true;
                }
            }
        }
        double[] scores = new double[dN];
        for (int di = 0; di < dN; di++) {
            Dt dt = d.get(di);
            scores[di] = dt.score();
            boolean outside = dt.area() < ar.lo() || dt.area() > ar.hi();
            for (int t = 0; t < tN; t++) {
                // an unmatched detection (match id 0, which a ground truth with id 0 also gives) outside the range is ignored
                dtIg[t][di] = dtIg[t][di] || (dtm[t][di] == 0 && outside);
            }
        }
        return new ImgEval(dtm, dtIg, gtIg, scores);
    }

    private void accumulate(ImgEval[] evalImgs) {
        int tN = iouThrs.length;
        int rN = recThrs.length;
        int kN = catIds.length;
        int aN = areas.size();
        int mN = maxDets.length;
        int iN = imgIds.length;
        precision = new double[tN][rN][kN][aN][mN];
        recall = new double[tN][kN][aN][mN];
        for (double[][][][] a : precision) {
            for (double[][][] b : a) {
                for (double[][] c : b) {
                    for (double[] e : c) {
                        java.util.Arrays.fill(e, -1);
                    }
                }
            }
        }
        for (double[][][] a : recall) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    java.util.Arrays.fill(c, -1);
                }
            }
        }
        for (int k = 0; k < kN; k++) {
            for (int a = 0; a < aN; a++) {
                for (int m = 0; m < mN; m++) {
                    int maxDet = maxDets[m];
                    List<ImgEval> es = new ArrayList<>();
                    for (int i = 0; i < iN; i++) {
                        ImgEval e = evalImgs[k * aN * iN + a * iN + i];
                        if (e != null) {
                            es.add(e);
                        }
                    }
                    if (es.isEmpty()) {
                        continue;
                    }
                    List<double[]> cat = new ArrayList<>(); // {score, image index in es, detection index}
                    int npig = 0;
                    for (int ei = 0; ei < es.size(); ei++) {
                        ImgEval e = es.get(ei);
                        for (int di = 0; di < Math.min(maxDet, e.dtScores().length); di++) {
                            cat.add(new double[] {e.dtScores()[di], ei, di});
                        }
                        for (boolean ig : e.gtIgnore()) {
                            if (!ig) {
                                npig++;
                            }
                        }
                    }
                    if (npig == 0) {
                        continue;
                    }
                    cat.sort((x, y) -> Double.compare(y[0], x[0])); // stable, as np.argsort(-s, kind='mergesort')
                    int nd = cat.size();
                    for (int t = 0; t < tN; t++) {
                        double[] pr = new double[nd];
                        double[] rc = new double[nd];
                        double tp = 0;
                        double fp = 0;
                        for (int j = 0; j < nd; j++) {
                            ImgEval e = es.get((int) cat.get(j)[1]);
                            int di = (int) cat.get(j)[2];
                            boolean matched = e.dtMatches()[t][di] != 0;
                            boolean ignored = e.dtIgnore()[t][di];
                            if (matched && !ignored) {
                                tp++;
                            } else if (!matched && !ignored) {
                                fp++;
                            }
                            rc[j] = tp / npig;
                            pr[j] = tp / (fp + tp + Math.ulp(1.0));
                        }
                        recall[t][k][a][m] = nd > 0 ? rc[nd - 1] : 0;
                        for (int j = nd - 1; j > 0; j--) {
                            if (pr[j] > pr[j - 1]) {
                                pr[j - 1] = pr[j];
                            }
                        }
                        for (int r = 0; r < rN; r++) {
                            int idx = searchsortedLeft(rc, recThrs[r]);
                            if (idx >= nd) {
                                // pycocotools' loop stops at the first recall point it cannot reach
                                for (int rr = r; rr < rN; rr++) {
                                    precision[t][rr][k][a][m] = 0;
                                }
                                break;
                            }
                            precision[t][r][k][a][m] = pr[idx];
                        }
                    }
                }
            }
        }
    }

    private static int searchsortedLeft(double[] sorted, double v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Mean of the defined (> −1) entries, or −1 when none is defined. */
    private double summarize(boolean ap, Double iouThr, String area, int maxDet) {
        int a = -1;
        for (int i = 0; i < areas.size(); i++) {
            if (areas.get(i).label().equals(area)) {
                a = i;
            }
        }
        int m = -1;
        for (int i = 0; i < maxDets.length; i++) {
            if (maxDets[i] == maxDet) {
                m = i;
            }
        }
        double sum = 0;
        long n = 0;
        for (int t = 0; t < iouThrs.length; t++) {
            if (iouThr != null && iouThrs[t] != iouThr) {
                continue;
            }
            for (int k = 0; k < catIds.length; k++) {
                if (ap) {
                    for (int r = 0; r < recThrs.length; r++) {
                        double v = precision[t][r][k][a][m];
                        if (v > -1) {
                            sum += v;
                            n++;
                        }
                    }
                } else {
                    double v = recall[t][k][a][m];
                    if (v > -1) {
                        sum += v;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** The 12 numbers of pycocotools' summarize(), in its order (see {@link #STAT_NAMES}). */
    public double[] stats() {
        return new double[] {
            summarize(true, null, "all", 100), summarize(true, 0.5, "all", 100), summarize(true, 0.75, "all", 100),
            summarize(true, null, "small", 100), summarize(true, null, "medium", 100), summarize(true, null, "large", 100),
            summarize(false, null, "all", 1), summarize(false, null, "all", 10), summarize(false, null, "all", 100),
            summarize(false, null, "small", 100), summarize(false, null, "medium", 100), summarize(false, null, "large", 100)};
    }

    public Map<String, Double> statsMap() {
        double[] s = stats();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < s.length; i++) {
            m.put(STAT_NAMES[i], s[i]);
        }
        return m;
    }

    /** AP and AR (100 detections) over one labelled area range, for custom ranges. */
    public double apForArea(String label) {
        return summarize(true, null, label, 100);
    }

    public double arForArea(String label) {
        return summarize(false, null, label, 100);
    }
}
