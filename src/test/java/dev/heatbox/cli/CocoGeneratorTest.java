package dev.heatbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heatbox.score.CocoEval;
import dev.heatbox.util.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Random small COCO cases, each scored by {@code heatbox eval} and by pycocotools itself
 * (tools/pycocotools_reference.py): the 12 numbers must be equal, and Heatbox must refuse (exit 3)
 * exactly the cases pycocotools fails on. The generator draws what real files hold: ids with gaps,
 * categories without names, images without file names or sizes, crowd boxes, empty images, results
 * on images without ground truth, zero-area boxes, areas that differ from the box, tied scores, more
 * than 100 results in an image, and the faults pycocotools refuses (no score, no area, no iscrowd,
 * no annotation id, a result on an unknown image, an empty results list).
 */
class CocoGeneratorTest {
    static final int CASES = 240;

    @Test
    void heatboxEvalAgreesWithPycocotoolsOnGeneratedCases(@TempDir Path tmp) throws Exception {
        String python = pycocotoolsPython();
        for (int seed = 1; seed <= CASES; seed++) {
            Path dir = Files.createDirectories(tmp.resolve(String.format("case%04d", seed)));
            ObjectNode[] c = generate(new Random(seed));
            Json.write(dir.resolve("gt.json"), c[0]);
            Json.write(dir.resolve("results.json"), c[1].get("results"));
        }
        Process p = new ProcessBuilder(python, Path.of("tools/pycocotools_reference.py").toAbsolutePath().toString(),
                tmp.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, "pycocotools step failed: " + log);
        JsonNode ref = Json.readTree(tmp.resolve("reference.json"));
        assertEquals(CASES, ref.size());

        List<String> differ = new ArrayList<>();
        int refused = 0;
        int positive = 0;
        for (int seed = 1; seed <= CASES; seed++) {
            String name = String.format("case%04d", seed);
            Path dir = tmp.resolve(name);
            BadInputTest.Run r = BadInputTest.run("eval", "--gt", dir.resolve("gt.json").toString(),
                    "--pred", dir.resolve("results.json").toString(), "--out", dir.resolve("out").toString());
            JsonNode want = ref.get(name);
            if (want.has("error")) {
                refused++;
                if (r.code() != 3) {
                    differ.add(name + ": pycocotools fails (" + want.get("error").asText() + "), heatbox exit " + r.code());
                }
                continue;
            }
            if (r.code() != 0) {
                differ.add(name + ": pycocotools evaluates it, heatbox exit " + r.code() + ": " + r.err().strip());
                continue;
            }
            JsonNode got = Json.readTree(dir.resolve("out/metrics.json")).get("coco");
            positive += want.get("stats").get(0).asDouble() > 0 ? 1 : 0;
            for (int k = 0; k < 12; k++) {
                double g = got.get(CocoEval.STAT_NAMES[k]).asDouble();
                double w = want.get("stats").get(k).asDouble();
                if (Math.abs(g - w) > 1e-12) {
                    differ.add(name + ": " + CocoEval.STAT_NAMES[k] + " heatbox " + g + ", pycocotools " + w);
                    break;
                }
            }
        }
        if (!differ.isEmpty()) {
            fail(differ.size() + " of " + CASES + " cases differ (cases kept under " + tmp + "):\n"
                    + String.join("\n", differ.subList(0, Math.min(20, differ.size()))));
        }
        // the generator must exercise both sides, and most evaluated cases must score above zero
        System.out.println("CocoGeneratorTest: " + CASES + " cases (seeds 1-" + CASES + "), " + refused
                + " refused by both, " + positive + " with AP > 0, all equal to pycocotools");
        assertTrue(refused >= CASES / 20 && refused <= CASES / 2, refused + " refused cases");
        assertTrue(positive >= (CASES - refused) / 2, positive + " cases with AP > 0");
    }

    /** target/pycocotools (made by .ci/run), $HEATBOX_PYCOCOTOOLS_PYTHON, or python3 if it imports pycocotools. */
    static String pycocotoolsPython() throws IOException, InterruptedException {
        List<String> candidates = new ArrayList<>();
        if (System.getenv("HEATBOX_PYCOCOTOOLS_PYTHON") != null) {
            candidates.add(System.getenv("HEATBOX_PYCOCOTOOLS_PYTHON"));
        }
        candidates.add(Path.of("target/pycocotools/bin/python").toAbsolutePath().toString());
        candidates.add("python3");
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import pycocotools.cocoeval").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException notThere) {
                // next candidate
            }
        }
        String why = "no Python with pycocotools (python3 -m venv target/pycocotools && target/pycocotools/bin/pip install"
                + " pycocotools, as .ci/run does)";
        if (System.getenv("CI") != null) {
            fail(why + ": CI must run this test");
        }
        Assumptions.abort(why);
        return null;
    }

    /** {gt, {"results": [...]}} for one seed. */
    static ObjectNode[] generate(Random rnd) {
        ObjectNode gt = Json.MAPPER.createObjectNode();
        ArrayNode images = gt.putArray("images");
        List<Long> imageIds = new ArrayList<>();
        long id = rnd.nextInt(3);
        for (int i = 0, n = 1 + rnd.nextInt(6); i < n; i++) {
            id += 1 + rnd.nextInt(rnd.nextBoolean() ? 1 : 5);
            ObjectNode im = images.addObject().put("id", id);
            if (rnd.nextDouble() < 0.7) {
                im.put("file_name", "im" + id + ".jpg");
            }
            if (rnd.nextDouble() < 0.6) {
                im.put("width", 320).put("height", 240);
            }
            imageIds.add(id);
        }
        ArrayNode cats = gt.putArray("categories");
        List<Long> catIds = new ArrayList<>();
        long cid = 0;
        for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
            cid += 1 + rnd.nextInt(rnd.nextBoolean() ? 1 : 9);
            ObjectNode c = cats.addObject().put("id", cid);
            double u = rnd.nextDouble();
            if (u < 0.5) {
                c.put("name", "c" + cid);
            } else if (u < 0.6) {
                c.put("name", "same");
            }
            catIds.add(cid);
        }
        ArrayNode anns = gt.putArray("annotations");
        ArrayNode results = Json.MAPPER.createArrayNode();
        long aid = rnd.nextDouble() < 0.1 ? 0 : 1; // a ground truth with id 0 counts as unmatched in pycocotools
        for (long img : imageIds) {
            int n = rnd.nextDouble() < 0.25 ? 0 : 1 + rnd.nextInt(5); // some images without ground truth
            for (int k = 0; k < n; k++) {
                double[] b = box(rnd);
                long cat = rnd.nextDouble() < 0.05 ? 999 : catIds.get(rnd.nextInt(catIds.size()));
                long on = rnd.nextDouble() < 0.04 ? 777 : img;
                ObjectNode a = anns.addObject().put("id", aid).put("image_id", on).put("category_id", cat);
                aid += 1 + (rnd.nextDouble() < 0.2 ? rnd.nextInt(10) : 0);
                a.putArray("bbox").add(b[0]).add(b[1]).add(b[2]).add(b[3]);
                a.put("area", rnd.nextDouble() < 0.1 ? rnd.nextDouble() * 20000 : b[2] * b[3]);
                double crowd = rnd.nextDouble();
                if (crowd < 0.04) {
                    a.put("iscrowd", true);
                } else {
                    a.put("iscrowd", crowd < 0.12 ? 1 : 0);
                }
                for (int d = 0, m = rnd.nextInt(4); d < m; d++) {
                    long dc = rnd.nextDouble() < 0.8 ? cat : catIds.get(rnd.nextInt(catIds.size()));
                    results.add(result(rnd, img, dc, jitter(rnd, b)));
                }
            }
            for (int d = 0, m = rnd.nextInt(3); d < m; d++) { // false positives, also on images without ground truth
                results.add(result(rnd, img, rnd.nextDouble() < 0.05 ? 555 : catIds.get(rnd.nextInt(catIds.size())), box(rnd)));
            }
        }
        if (rnd.nextDouble() < 0.03) { // more than maxDets (100) results in one image
            for (int d = 0; d < 120; d++) {
                results.add(result(rnd, imageIds.get(0), catIds.get(0), box(rnd)));
            }
        }
        fault(rnd, gt, anns, results, imageIds, catIds);
        return new ObjectNode[] {gt, Json.MAPPER.createObjectNode().set("results", results)};
    }

    /** One fault or optional-field omission in about a third of the cases. */
    static void fault(Random rnd, ObjectNode gt, ArrayNode anns, ArrayNode results, List<Long> imageIds, List<Long> catIds) {
        double u = rnd.nextDouble();
        if (u < 0.05 && !results.isEmpty()) {
            ((ObjectNode) results.get(rnd.nextInt(results.size()))).remove("score");
        } else if (u < 0.08) { // no score on a category pycocotools never evaluates: accepted
            results.add(((ObjectNode) result(rnd, imageIds.get(0), 4242, box(rnd))).without("score"));
        } else if (u < 0.12 && !anns.isEmpty()) {
            ((ObjectNode) anns.get(rnd.nextInt(anns.size()))).remove("area");
        } else if (u < 0.16 && !anns.isEmpty()) {
            ((ObjectNode) anns.get(rnd.nextInt(anns.size()))).remove("iscrowd");
        } else if (u < 0.19 && !anns.isEmpty()) {
            ((ObjectNode) anns.get(rnd.nextInt(anns.size()))).remove("id");
        } else if (u < 0.22) {
            results.add(result(rnd, 31337, catIds.get(0), box(rnd)));
        } else if (u < 0.25) {
            results.removeAll();
        } else if (u < 0.29) {
            gt.remove("annotations");
        } else if (u < 0.31) {
            gt.putArray("categories");
        }
    }

    static double[] box(Random rnd) {
        double w = rnd.nextDouble() < 0.05 ? 0 : Math.round(rnd.nextDouble() * 150 * 10) / 10.0;
        double h = rnd.nextDouble() < 0.05 ? 0 : Math.round(rnd.nextDouble() * 150 * 10) / 10.0;
        return new double[] {Math.round(rnd.nextDouble() * 170), Math.round(rnd.nextDouble() * 90), w, h};
    }

    static double[] jitter(Random rnd, double[] b) {
        double[] j = new double[4];
        for (int k = 0; k < 4; k++) {
            j[k] = b[k] + rnd.nextGaussian() * 0.1 * Math.max(b[2 + (k % 2)], 1);
        }
        j[2] = Math.abs(j[2]);
        j[3] = Math.abs(j[3]);
        return j;
    }

    static JsonNode result(Random rnd, long img, long cat, double[] b) {
        ObjectNode r = Json.MAPPER.createObjectNode().put("image_id", img).put("category_id", cat);
        r.putArray("bbox").add(b[0]).add(b[1]).add(b[2]).add(b[3]);
        // ties are common in real results: a tenth of the scores are rounded to one decimal
        double s = rnd.nextDouble();
        return r.put("score", rnd.nextDouble() < 0.1 ? Math.round(s * 10) / 10.0 : s);
    }
}
