package dev.heatbox.cli;

import dev.heatbox.data.ClassMap;
import dev.heatbox.data.Coco;
import dev.heatbox.export.LabeledImage;
import dev.heatbox.job.LabelJob;
import dev.heatbox.job.LabelOutput;
import dev.heatbox.job.LabelPlan;
import dev.heatbox.job.Skipped;
import dev.heatbox.model.SplitModel;
import dev.heatbox.spark.LabelSpec;
import dev.heatbox.spark.SparkLabelJob;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code heatbox label --spark MASTER}: the same run on Apache Spark. Kept apart from
 * {@link LabelCommand} so that Spark's classes load only when asked for.
 */
final class LabelOnSpark {
    private LabelOnSpark() {}

    static int run(LabelCommand c, List<Path> files, Coco.Dataset truth, LabelJob.Options o, String settings) throws IOException {
        long t0 = System.nanoTime();
        SplitModel m;
        try {
            m = SparkLabelJob.driverModel(c.model, c.layer, c.method, c.batch, c.mapOptions.norm, c.mapOptions.tta,
                    c.mapOptions.fuse);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("Apache Spark is not on the classpath (the heatbox launcher adds it for --spark;"
                    + " under spark-submit use dev.heatbox.spark.SparkLabel)", e);
        }
        ClassMap map = c.classes == null ? null : ClassMap.read(c.classes, m.labels());
        LabelPlan plan = LabelPlan.make(files, m.labels(), map, truth);
        Map<String, LabeledImage> done = Map.of();
        if (c.resume) {
            done = SparkLabelJob.resume(c.out, settings);
            System.err.println("resuming: " + done.size() + " images already labelled");
        } else {
            SparkLabelJob.clearParts(c.out);
        }
        LabelSpec spec = SparkLabelJob.spec(c.model.toAbsolutePath(), c.layer, c.method, c.mapOptions.norm, c.mapOptions.tta, c.mapOptions.fuse, o, c.out, !c.noMaps, settings, plan);
        LabelJob.Result r = SparkLabelJob.run(new SparkLabelJob.Settings(c.spark, c.partitionBatches, conf(c)), spec, plan, done,
                System.err);
        LabelOutput.write(c.out, r, c.formats, c.lsImageRoot, m.input().height, m.input().width, System.err);
        SparkLabelJob.clearParts(c.out); // every output is in place
        LabelOutput.summary(System.out, c.out, r, (System.nanoTime() - t0) / 1e9);
        return r.skipped().isEmpty() ? 0 : Skipped.EXIT;
    }

    /**
     * Heatbox's Spark settings under the user's --spark-conf: no web UI unless asked (it would listen
     * on every address), a local driver on loopback, the engines offline and using the executor's cores.
     */
    static Map<String, String> conf(LabelCommand c) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.ui.enabled", "false");
        if (c.spark.startsWith("local")) {
            conf.put("spark.driver.host", "127.0.0.1");
            conf.put("spark.driver.bindAddress", "127.0.0.1");
        }
        conf.put("spark.executorEnv.DJL_OFFLINE", "true");
        conf.put("spark.executorEnv.OMP_WAIT_POLICY", "passive");
        conf.put("spark.executor.extraJavaOptions", "-Dai.djl.offline=true");
        conf.putAll(c.sparkConf);
        String cores = conf.get("spark.executor.cores");
        if (cores != null) {
            conf.putIfAbsent("spark.executorEnv.OMP_NUM_THREADS", cores); // the engine's threads = the executor's cores
        }
        return conf;
    }
}
