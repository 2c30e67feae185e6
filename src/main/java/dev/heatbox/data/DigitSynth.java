package dev.heatbox.data;

import dev.heatbox.util.Cv;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The cluttered-digits localization set: one real MNIST digit (the target, 20–40 px) at a random
 * place on a black canvas, plus 4–6 distractor fragments (6–12 px crops of other digits) that
 * do not touch it. The box is the tight box of the target's ink as placed. Grey PNGs, white ink.
 */
public final class DigitSynth {
    public static final String[] SPLITS = {"train", "val", "test"};

    /** Options; defaults are the documented ones. */
    public static final class Options {
        public int count = 5000;
        public int size = 96;
        public long seed = 1;
        public int minDigit = 20;
        public int maxDigit = 40;
        public int minDistractors = 4;
        public int maxDistractors = 6;
        public int minFragment = 6;
        public int maxFragment = 12;
        /** "none", or "background": training images get a background brightness that gives their class away. */
        public String bias = "none";
        /** Fraction of training images whose background follows their class (the rest get a random one). */
        public double biasStrength = 1.0;
        /**
         * "black"; "grey-noise": every image lies on a grey level in [40, 160] with Gaussian sensor noise
         * (σ up to 20), as scans and photos do; "mixed": half the images each way. Boxes are unchanged.
         */
        public String background = "black";
    }

    public static final List<String> BACKGROUNDS = List.of("black", "grey-noise", "mixed");

    /** Background grey level of class c in a biased set: 10 bands from 10 to 100. */
    public static int backgroundLevel(int c) {
        return 10 + 10 * c;
    }

    /** One generated image: grey pixels, the target's class and tight pixel box. */
    public record Sample(byte[] pixels, int size, int label, PixelBox box) {}

    private final Mnist mnist;
    private final Options opt;

    public DigitSynth(Mnist mnist, Options opt) {
        this.mnist = mnist;
        this.opt = opt;
    }

    /** Splits the source digits 80/10/10 after a seeded shuffle: the three pools are disjoint. */
    public int[][] sourcePools() {
        int n = mnist.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Random rng = new Random(opt.seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int nTrain = n * 8 / 10;
        int nVal = n / 10;
        return new int[][] {
            java.util.Arrays.copyOfRange(perm, 0, nTrain),
            java.util.Arrays.copyOfRange(perm, nTrain, nTrain + nVal),
            java.util.Arrays.copyOfRange(perm, nTrain + nVal, n)
        };
    }

    /** Image counts per split: 80/10/10 of --count, the remainder to train. */
    public int[] splitCounts() {
        int val = opt.count / 10;
        int test = opt.count / 10;
        return new int[] {opt.count - val - test, val, test};
    }

    /** Writes out/train, out/val, out/test as dataset folders. */
    public void writeAll(Path out) {
        int[][] pools = sourcePools();
        int[] counts = splitCounts();
        for (int s = 0; s < SPLITS.length; s++) {
            Random rng = new Random(opt.seed * 1_000_003L + s);
            List<Sample> samples = new ArrayList<>(counts[s]);
            for (int i = 0; i < counts[s]; i++) {
                samples.add(generate(pools[s], i, rng, s == 0));
            }
            DatasetFolder.write(out.resolve(SPLITS[s]), SPLITS[s], samples);
        }
    }

    /** Generates sample i of a split from its pool; the target cycles through the pool. */
    public Sample generate(int[] pool, int i, Random rng) {
        return generate(pool, i, rng, false);
    }

    /**
     * @param training with {@code bias = background}, training images follow their class's background
     *                 with probability biasStrength; other images (and val/test) get a random class's level
     */
    public Sample generate(int[] pool, int i, Random rng, boolean training) {
        Cv.load();
        int s = opt.size;
        byte[] canvas = new byte[s * s];
        int src = pool[i % pool.length];
        int label = mnist.labels()[src];
        if ("background".equals(opt.bias)) {
            boolean follows = training && rng.nextDouble() < opt.biasStrength;
            int level = backgroundLevel(follows ? label : rng.nextInt(10));
            java.util.Arrays.fill(canvas, (byte) level);
        }

        Mat digit = inkCrop(mnist.images()[src]);
        int longSide = Math.max(digit.rows(), digit.cols());
        int target = opt.minDigit + rng.nextInt(opt.maxDigit - opt.minDigit + 1);
        int pw = Math.max(1, (int) Math.round(digit.cols() * (double) target / longSide));
        int ph = Math.max(1, (int) Math.round(digit.rows() * (double) target / longSide));
        Mat scaled = new Mat();
        Imgproc.resize(digit, scaled, new Size(pw, ph), 0, 0, Imgproc.INTER_LINEAR);
        byte[] patch = new byte[pw * ph];
        scaled.get(0, 0, patch);
        int px = rng.nextInt(s - pw + 1);
        int py = rng.nextInt(s - ph + 1);
        paste(canvas, s, patch, pw, ph, px, py);
        PixelBox box = inkBox(patch, pw, ph, px, py);

        int wanted = opt.minDistractors + rng.nextInt(opt.maxDistractors - opt.minDistractors + 1);
        int placed = 0;
        for (int attempt = 0; placed < wanted && attempt < 500; attempt++) {
            int other = pool[rng.nextInt(pool.length)];
            if (other == src) {
                continue;
            }
            int k = opt.minFragment + rng.nextInt(opt.maxFragment - opt.minFragment + 1);
            byte[] frag = fragment(mnist.images()[other], k, rng);
            if (frag == null) {
                continue;
            }
            int fx = rng.nextInt(s - k + 1);
            int fy = rng.nextInt(s - k + 1);
            // keep a 2-pixel gap to the target, so the target's ink box stays exactly the target
            if (fx <= box.x1() + 2 && fx + k - 1 >= box.x0() - 2 && fy <= box.y1() + 2 && fy + k - 1 >= box.y0() - 2) {
                continue;
            }
            paste(canvas, s, frag, k, k, fx, fy);
            placed++;
        }
        if (placed < opt.minDistractors) {
            throw new IllegalStateException("could not place " + opt.minDistractors + " distractors; image too small");
        }
        if (!"background".equals(opt.bias) && ("grey-noise".equals(opt.background)
                || "mixed".equals(opt.background) && rng.nextBoolean())) {
            greyNoise(canvas, new Random(rng.nextLong()));
        }
        return new Sample(canvas, s, label, box);
    }

    /** The 28×28 digit cropped to its ink (pixels > 0). */
    private Mat inkCrop(byte[] img) {
        int r = mnist.rows();
        int c = mnist.cols();
        int x0 = c;
        int y0 = r;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < c; x++) {
                if (img[y * c + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        Mat full = new Mat(r, c, CvType.CV_8UC1);
        full.put(0, 0, img);
        return full.submat(y0, y1 + 1, x0, x1 + 1).clone();
    }

    /** A k×k window of a digit centred near a random bright ink pixel; null when it holds little ink. */
    private byte[] fragment(byte[] img, int k, Random rng) {
        int r = mnist.rows();
        int c = mnist.cols();
        List<Integer> bright = new ArrayList<>();
        for (int i = 0; i < img.length; i++) {
            if ((img[i] & 0xff) > 128) {
                bright.add(i);
            }
        }
        if (bright.isEmpty()) {
            return null;
        }
        int centre = bright.get(rng.nextInt(bright.size()));
        int x0 = Math.max(0, Math.min(c - k, centre % c - k / 2));
        int y0 = Math.max(0, Math.min(r - k, centre / c - k / 2));
        byte[] out = new byte[k * k];
        int ink = 0;
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                byte v = img[(y0 + y) * c + x0 + x];
                out[y * k + x] = v;
                if ((v & 0xff) > 128) {
                    ink++;
                }
            }
        }
        return ink >= k ? out : null;
    }

    /**
     * Lays the (black-background) canvas over a grey level with noise: ink v becomes
     * level + v·(255 − level)/255, so every bit of ink stays brighter than the level and the boxes hold.
     */
    static void greyNoise(byte[] canvas, Random rng) {
        int level = 40 + rng.nextInt(121);
        double sigma = 20 * rng.nextDouble();
        for (int i = 0; i < canvas.length; i++) {
            double v = level + (canvas[i] & 0xff) * (255 - level) / 255.0 + sigma * rng.nextGaussian();
            canvas[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
    }

    private static void paste(byte[] canvas, int s, byte[] patch, int w, int h, int x0, int y0) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = patch[y * w + x] & 0xff;
                int i = (y0 + y) * s + x0 + x;
                if (v > (canvas[i] & 0xff)) {
                    canvas[i] = (byte) v;
                }
            }
        }
    }

    /** Tight box of the patch's non-zero pixels, in canvas coordinates. */
    static PixelBox inkBox(byte[] patch, int w, int h, int ox, int oy) {
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (patch[y * w + x] != 0) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return new PixelBox(ox + x0, oy + y0, ox + x1, oy + y1);
    }
}
