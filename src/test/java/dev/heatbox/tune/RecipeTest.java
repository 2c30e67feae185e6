package dev.heatbox.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heatbox.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RecipeTest {
    static RecipeSearch.Row row(String method, double v2, double loc, double secs) {
        return new RecipeSearch.Row(new Recipe(method, "l", null, "minmax", "none", 0.3, "largest", null, null, v2, loc, secs, null, "t"), v2, loc, secs);
    }

    @Test
    void pickTakesTheBestThatCostsLittleEnough() {
        RecipeSearch.Row base = row("gradcam", 0.30, 0.30, 1.0);
        RecipeSearch.Row better = row("layercam", 0.40, 0.30, 2.0);
        RecipeSearch.Row bestButCostly = row("scorecam", 0.50, 0.50, 10.0);
        Recipe r = RecipeSearch.pick(List.of(base, better, bestButCostly), 3);
        assertEquals("layercam", r.method());
        assertEquals(2.0, r.costVsGradCam(), 1e-12);
        assertEquals("scorecam", RecipeSearch.pick(List.of(base, better, bestButCostly), 20).method());
        RecipeSearch.Row tieSlower = row("xgradcam", 0.40, 0.30, 2.5);
        assertEquals("layercam", RecipeSearch.pick(List.of(base, tieSlower, better), 3).method(), "a tie goes to the faster");
        RecipeSearch.Row tieBetterLoc = row("gradcam++", 0.40, 0.35, 2.5);
        assertEquals("gradcam++", RecipeSearch.pick(List.of(base, better, tieBetterLoc), 3).method(), "then to GT-known Loc");
    }

    /** A row whose maps find the object in the images {@code hits} says (a blob on the box, else far from it). */
    static RecipeSearch.Row scoredRow(String method, String tta, boolean[] hits) {
        dev.heatbox.score.MaxBoxAcc v2 = dev.heatbox.score.MaxBoxAcc.v2(0.01);
        List<dev.heatbox.data.PixelBox> gt = List.of(new dev.heatbox.data.PixelBox(4, 4, 13, 13));
        for (boolean hit : hits) {
            float[] map = new float[32 * 32];
            int cx = hit ? 8 : 25;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    map[y * 32 + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cx) * (y - cx)) / 18.0);
                }
            }
            v2.accumulate(map, 32, 32, gt);
        }
        Recipe r = new Recipe(method, "l", null, "minmax", tta, 0.3, "largest", null, null, v2.mean(), 0.0, 1.0, null, "t");
        return new RecipeSearch.Row(r, v2.mean(), 0.0, 1.0, null, v2, null);
    }

    static boolean[] hits(int n, java.util.function.IntPredicate hit) {
        boolean[] h = new boolean[n];
        for (int i = 0; i < n; i++) {
            h[i] = hit.test(i);
        }
        return h;
    }

    @Test
    void crossValidationKeepsThePlainRecipeUnlessARicherOneIsClearlyBetter() {
        RecipeSearch.Row plain = scoredRow("gradcam", "none", hits(40, i -> i % 2 == 0)); // half the images
        // augmentation that finds two more objects out of 40: in-sample better, but within noise
        RecipeSearch.Row noise = scoredRow("gradcam", "flip", hits(40, i -> i % 2 == 0 || i == 1 || i == 3));
        assertTrue(noise.maxBoxAccV2() > plain.maxBoxAccV2(), "the richer row wins in sample");
        assertEquals("none", RecipeSearch.pick(List.of(plain, noise), 10).tta(), "a gain of two images keeps the plain recipe");
        // one that finds nine in ten: a real gain
        RecipeSearch.Row better = scoredRow("gradcam", "flip", hits(40, i -> i % 10 != 0));
        assertEquals("flip", RecipeSearch.pick(List.of(plain, noise, better), 10).tta());
        assertEquals(0.9, better.maxBoxAccV2OutOfFold(), 1e-12, "a map right in 36 of 40 images is right in 36 out of fold");
    }

    @Test
    void aRecipeRoundTrips(@TempDir Path tmp) {
        Recipe r = new Recipe("layercam", "l51", "mean:l52,l60", "ivr:0.4", "flip", 0.45, "largest", "grabcut", 0.5, 0.4, 0.41, 0.2, 1.5, "coco-sample (24 images)");
        r.write(tmp.resolve("recipe.json"));
        assertEquals(r, Recipe.read(tmp.resolve("recipe.json")));
    }

    static int heatbox(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(new StringWriter()));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void labelTakesTheRecipesChoicesUnlessGivenOtherwise(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        for (String n : new String[] {"val2017_000000519208.jpg", "train2017_000000252639.jpg", "train2017_000000425988.jpg"}) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), images.resolve(n));
        }
        String model = "models/mobilenet_v1_0.25_128";
        new Recipe("layercam", null, null, "ivr:0.4", "flip", 0.45, "largest", null, null, null, null, null, null, null).write(tmp.resolve("r.json"));
        String[] common = {"label", "--model", model, "--images", images.toString(), "--format", "coco", "--no-maps"};
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("explicit").toString(), "--method", "layercam",
                "--norm", "ivr:0.4", "--tta", "flip", "--threshold", "0.45")));
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("recipe").toString(), "--recipe", tmp.resolve("r.json").toString())));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("explicit/coco/results.json")),
                Files.readAllBytes(tmp.resolve("recipe/coco/results.json")));
        // an option on the command line wins over the recipe
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("override").toString(), "--recipe", tmp.resolve("r.json").toString(),
                "--threshold", "0.9")));
        assertNotEquals(Files.readString(tmp.resolve("recipe/coco/results.json")), Files.readString(tmp.resolve("override/coco/results.json")));
    }

    @Test
    void labelUsesTheModelFoldersRecipeUnlessToldNone(@TempDir Path tmp) throws Exception {
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        for (String n : new String[] {"val2017_000000519208.jpg", "train2017_000000425988.jpg"}) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), images.resolve(n));
        }
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        try (var files = Files.list(Path.of("models/mobilenet_v1_0.25_128"))) {
            for (Path f : files.toList()) {
                Files.createSymbolicLink(model.resolve(f.getFileName()), f.toAbsolutePath());
            }
        }
        new Recipe("layercam", null, null, "ivr:0.4", "none", 0.45, "largest", null, null, null, null, null, null, null)
                .write(model.resolve("recipe.json"));
        String[] common = {"label", "--model", model.toString(), "--images", images.toString(), "--format", "coco", "--no-maps"};
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("default").toString())));
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("explicit").toString(), "--method", "layercam",
                "--norm", "ivr:0.4", "--threshold", "0.45")));
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("none").toString(), "--recipe", "none")));
        assertEquals(0, heatbox(concat(common, "--out", tmp.resolve("plain").toString(), "--recipe", "none", "--method", "gradcam")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("explicit/coco/results.json")),
                Files.readAllBytes(tmp.resolve("default/coco/results.json")));
        assertArrayEquals(Files.readAllBytes(tmp.resolve("plain/coco/results.json")),
                Files.readAllBytes(tmp.resolve("none/coco/results.json")));
        assertNotEquals(Files.readString(tmp.resolve("default/coco/results.json")), Files.readString(tmp.resolve("none/coco/results.json")));
    }

    @Test
    void aBadFusionIsAUsageErrorAndABadRecipeNamesItsFile(@TempDir Path tmp) throws Exception {
        String[] common = {"label", "--model", "models/mobilenet_v1_0.25_128", "--images", "datasets/coco-sample/images",
            "--out", tmp.resolve("o").toString()};
        assertEquals(2, heatbox(concat(common, "--fuse", "sum:l1")));
        Files.writeString(tmp.resolve("r.json"), "{\"method\": \"layercam\", \"norm\": \"minmax\", \"tta\": \"none\","
                + " \"threshold\": 0.3, \"fuse\": \"avg:x\"}");
        assertEquals(3, heatbox(concat(common, "--recipe", tmp.resolve("r.json").toString())));
        assertEquals(2, heatbox("tune", "--model", "models/mobilenet_v1_0.25_128", "--data", "datasets/coco-sample",
                "--out", tmp.resolve("t").toString(), "--norms", "minmax,ivr:7"));
    }

    @Test
    void tuneOnAllLayersTakesTheModelsOwnLayerAsItsBaseline(@TempDir Path tmp) throws Exception {
        assertEquals(0, heatbox("tune", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--data", "datasets/coco-sample",
                "--classes", "datasets/coco2imagenet.json", "--out", tmp.toString(), "--methods", "gradcam", "--layers", "all",
                "--norms", "minmax", "--tta", "none", "--fuse-up-to", "1"));
        com.fasterxml.jackson.databind.JsonNode rows = dev.heatbox.util.Json.readTree(tmp.resolve("tune.json"));
        // the folder's three splits and every later layer its earliest split (l14) taps: 76 layers, one pass
        assertEquals(76, rows.size(), "every layer the TorchScript folder can split at or tap");
        assertEquals("l61_conv_2d_relu6", rows.get(0).get("recipe").get("layer").asText());
        assertEquals(0.375, rows.get(0).get("maxBoxAccV2").asDouble(), 1e-9);
    }

    @Test
    void tuneWritesItsTableAndPicksItsBestRow(@TempDir Path tmp) throws Exception {
        assertEquals(0, heatbox("tune", "--model", "models/mobilenet_v2_1.0_224_torchscript", "--data", "datasets/coco-sample",
                "--classes", "datasets/coco2imagenet.json", "--out", tmp.toString(), "--methods", "gradcam,layercam",
                "--norms", "minmax", "--tta", "none", "--max-cost", "100"));
        com.fasterxml.jackson.databind.JsonNode rows = dev.heatbox.util.Json.readTree(tmp.resolve("tune.json"));
        assertEquals(2, rows.size());
        double best = Math.max(rows.get(0).get("maxBoxAccV2").asDouble(), rows.get(1).get("maxBoxAccV2").asDouble());
        Recipe r = Recipe.read(tmp.resolve("recipe.json"));
        assertEquals(best, r.maxBoxAccV2(), 1e-12);
        assertEquals(0.375, rows.get(0).get("maxBoxAccV2").asDouble(), 1e-9,
                "plain Grad-CAM: heatbox eval's MaxBoxAccV2 on the 24 photos with an ImageNet class");
        assertEquals(true, Files.readString(tmp.resolve("tune.md")).contains("(recipe)"));
    }

    @Test
    void tuneChoosesTheBoxRuleByCocoAp50OfLabelledBoxes(@TempDir Path tmp) throws Exception {
        Path r = tmp.resolve("r.json");
        Files.writeString(r, "{\"method\": \"gradcam\", \"norm\": \"minmax\", \"tta\": \"none\", \"threshold\": 0.2}");
        assertEquals(0, heatbox("tune", "--model", "models/mobilenet_v1_0.25_128", "--data", "datasets/coco-sample",
                "--classes", "datasets/coco2imagenet.json", "--out", tmp.resolve("t").toString(), "--recipe", r.toString()));
        com.fasterxml.jackson.databind.JsonNode rows = dev.heatbox.util.Json.readTree(tmp.resolve("t/box-rules.json"));
        assertEquals(6 * 11, rows.size(), "every rule x tau of the grid");
        Recipe picked = Recipe.read(tmp.resolve("t/recipe.json"));
        // the best row of every rule, or the best of the largest component's: whichever family holds out of fold
        com.fasterxml.jackson.databind.JsonNode bestLargest = null;
        for (com.fasterxml.jackson.databind.JsonNode row : rows) {
            bestLargest = bestLargest == null && row.get("boxes").asText().equals("largest") ? row : bestLargest;
        }
        com.fasterxml.jackson.databind.JsonNode chosen = picked.boxes().equals("largest") ? bestLargest : rows.get(0);
        assertEquals(chosen.get("boxes").asText(), picked.boxes());
        assertEquals(chosen.get("threshold").asDouble(), picked.threshold(), 1e-12);
        assertEquals(chosen.get("ap50").asDouble(), picked.ap50(), 1e-12);
        for (com.fasterxml.jackson.databind.JsonNode row : rows) {
            boolean sameFamily = !picked.boxes().equals("largest") || row.get("boxes").asText().equals("largest");
            assertTrue(!sameFamily || row.get("ap50").asDouble() <= picked.ap50() + 1e-12, "the best AP50 of its family");
        }
        // the figure is what label --labels then gives, scored by heatbox eval
        Path out = tmp.resolve("l");
        assertEquals(0, heatbox("label", "--model", "models/mobilenet_v1_0.25_128", "--images", "datasets/coco-sample/images",
                "--classes", "datasets/coco2imagenet.json", "--gt", "datasets/coco-sample/instances.json", "--labels",
                "coco:datasets/coco-sample/instances.json", "--recipe", tmp.resolve("t/recipe.json").toString(), "--out", out.toString()));
        assertEquals(0, heatbox("eval", "--gt", "datasets/coco-sample/instances.json", "--pred",
                out.resolve("coco/results.json").toString(), "--out", tmp.resolve("e").toString()));
        assertEquals(picked.ap50(), dev.heatbox.util.Json.readTree(tmp.resolve("e/metrics.json")).get("coco").get("AP50").asDouble(),
                1e-9);
        assertTrue(Files.readString(tmp.resolve("t/tune.md")).contains("(recipe)"));
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
