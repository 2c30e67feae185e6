package dev.heatbox.spark;

import dev.heatbox.cli.Main;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point for {@code spark-submit}: the arguments are {@code heatbox label}'s, and the
 * master, executors and their cores are spark-submit's.
 * <pre>
 * spark-submit --master spark://HOST:7077 --class dev.heatbox.spark.SparkLabel heatbox.jar \
 *     --model M --images PATH --out DIR [the label options]
 * </pre>
 */
public final class SparkLabel {
    private SparkLabel() {}

    public static void main(String[] args) {
        List<String> a = new ArrayList<>(List.of("label"));
        a.addAll(Arrays.asList(args));
        if (!a.contains("--spark")) {
            a.addAll(List.of("--spark", "submitted"));
        }
        Main.main(a.toArray(String[]::new));
    }
}
