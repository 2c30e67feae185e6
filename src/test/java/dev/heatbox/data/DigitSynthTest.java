package dev.heatbox.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitSynthTest {
    static Mnist mnist;

    @BeforeAll
    static void load() {
        mnist = Mnist.load(Path.of("datasets/mnist-10k"));
    }

    @Test
    void mnistHasTenThousandLabelledDigits() {
        assertEquals(10000, mnist.size());
        assertEquals(28, mnist.rows());
        int[] perClass = new int[10];
        for (int l : mnist.labels()) {
            perClass[l]++;
        }
        for (int c : perClass) {
            assertTrue(c > 800 && c < 1200, "about 1000 per class");
        }
    }

    @Test
    void boxIsTightToTheTargetInkAndDistractorsStayOutside() {
        DigitSynth.Options o = new DigitSynth.Options();
        DigitSynth synth = new DigitSynth(mnist, o);
        int[] pool = synth.sourcePools()[0];
        Random rng = new Random(3);
        for (int i = 0; i < 200; i++) {
            DigitSynth.Sample s = synth.generate(pool, i, rng);
            PixelBox b = s.box();
            int n = s.size();
            int side = Math.max(b.width(), b.height());
            assertTrue(side >= 18 && side <= 40, "target size " + side);
            // every edge of the box touches ink
            assertTrue(rowHasInk(s, b.y0(), b.x0(), b.x1()) && rowHasInk(s, b.y1(), b.x0(), b.x1()));
            assertTrue(colHasInk(s, b.x0(), b.y0(), b.y1()) && colHasInk(s, b.x1(), b.y0(), b.y1()));
            // the ring just outside the box is empty (distractors keep a gap), so nothing is cut off
            if (b.y0() > 0) {
                assertTrue(!rowHasInk(s, b.y0() - 1, Math.max(0, b.x0() - 1), Math.min(n - 1, b.x1() + 1)));
            }
            if (b.y1() < n - 1) {
                assertTrue(!rowHasInk(s, b.y1() + 1, Math.max(0, b.x0() - 1), Math.min(n - 1, b.x1() + 1)));
            }
            if (b.x0() > 0) {
                assertTrue(!colHasInk(s, b.x0() - 1, b.y0(), b.y1()));
            }
            if (b.x1() < n - 1) {
                assertTrue(!colHasInk(s, b.x1() + 1, b.y0(), b.y1()));
            }
            // there is ink outside the box: the distractors
            int outside = 0;
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    boolean in = x >= b.x0() && x <= b.x1() && y >= b.y0() && y <= b.y1();
                    if (!in && (s.pixels()[y * n + x] & 0xff) > 128) {
                        outside++;
                    }
                }
            }
            assertTrue(outside >= 4 * 6, "distractor ink outside the box");
        }
    }

    private static boolean rowHasInk(DigitSynth.Sample s, int y, int x0, int x1) {
        for (int x = x0; x <= x1; x++) {
            if (s.pixels()[y * s.size() + x] != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean colHasInk(DigitSynth.Sample s, int x, int y0, int y1) {
        for (int y = y0; y <= y1; y++) {
            if (s.pixels()[y * s.size() + x] != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void sourceDigitsOfTheSplitsAreDisjoint() {
        int[][] pools = new DigitSynth(mnist, new DigitSynth.Options()).sourcePools();
        Set<Integer> seen = new HashSet<>();
        int total = 0;
        for (int[] p : pools) {
            for (int i : p) {
                assertTrue(seen.add(i), "digit " + i + " in two splits");
            }
            total += p.length;
        }
        assertEquals(10000, total);
        assertEquals(8000, pools[0].length);
    }

    @Test
    void sameSeedSameBytes(@TempDir Path tmp) throws IOException {
        DigitSynth.Options o = new DigitSynth.Options();
        o.count = 30;
        o.seed = 5;
        new DigitSynth(mnist, o).writeAll(tmp.resolve("a"));
        new DigitSynth(mnist, o).writeAll(tmp.resolve("b"));
        List<Path> files;
        try (Stream<Path> s = Files.walk(tmp.resolve("a"))) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(30 * 2 + 3, files.size(), "30 images, 30 VOC files and three instances.json");
        for (Path f : files) {
            Path g = tmp.resolve("b").resolve(tmp.resolve("a").relativize(f));
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g), f.toString());
        }
        o.seed = 6;
        new DigitSynth(mnist, o).writeAll(tmp.resolve("c"));
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(tmp.resolve("a/train/instances.json")),
                Files.readAllBytes(tmp.resolve("c/train/instances.json"))));
    }

    @Test
    void writtenDatasetReadsBackWithTheSameBoxes(@TempDir Path tmp) {
        DigitSynth.Options o = new DigitSynth.Options();
        o.count = 20;
        new DigitSynth(mnist, o).writeAll(tmp);
        DatasetFolder.Loaded test = DatasetFolder.read(tmp.resolve("test"));
        assertEquals(2, test.items().size());
        assertEquals(10, test.coco().categories.size());
        for (DatasetFolder.Item it : test.items()) {
            String stem = it.image().getFileName().toString().replace(".png", "");
            VocXml.Annotation voc = VocXml.read(tmp.resolve("test/voc/" + stem + ".xml"));
            assertEquals(it.boxes().get(0), voc.objects().get(0).pixelBox());
            assertEquals(test.categoryNames().get(it.categories().get(0)), voc.objects().get(0).name());
        }
    }

    @Test
    void greyNoiseBackgroundsKeepTheLayoutAndTheBoxAndLiftEveryPixel() {
        DigitSynth.Options black = new DigitSynth.Options();
        DigitSynth.Options grey = new DigitSynth.Options();
        grey.background = "grey-noise";
        DigitSynth a = new DigitSynth(mnist, black);
        DigitSynth b = new DigitSynth(mnist, grey);
        int[] pool = a.sourcePools()[0];
        int noisy = 0;
        for (int i = 0; i < 50; i++) {
            DigitSynth.Sample x = a.generate(pool, i, new Random(i));
            DigitSynth.Sample y = b.generate(pool, i, new Random(i));
            assertEquals(x.label(), y.label());
            assertEquals(x.box(), y.box(), "same layout, same box");
            int minBackground = 255;
            double sum = 0;
            double sq = 0;
            int n = 0;
            for (int p = 0; p < x.pixels().length; p++) {
                if (x.pixels()[p] == 0) { // background in the black image
                    int v = y.pixels()[p] & 0xff;
                    minBackground = Math.min(minBackground, v);
                    sum += v;
                    sq += (double) v * v;
                    n++;
                }
            }
            double mean = sum / n;
            assertTrue(mean >= 35 && mean <= 165, "background level " + mean);
            if (Math.sqrt(sq / n - mean * mean) > 3) {
                noisy++;
            }
            assertTrue(minBackground > 0 || mean < 60, "the grey lifts the background");
        }
        assertTrue(noisy > 30, "most images carry sensor noise: " + noisy + " of 50");
    }
}
