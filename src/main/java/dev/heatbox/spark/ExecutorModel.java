package dev.heatbox.spark;

import dev.heatbox.explain.ExplainEngine;
import dev.heatbox.explain.Fusion;
import dev.heatbox.explain.Tta;
import dev.heatbox.explain.Methods;
import dev.heatbox.explain.Normalization;
import dev.heatbox.model.Models;
import dev.heatbox.model.SplitModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per executor JVM (and per driver in local mode), loaded by the first task that
 * needs it and kept for the JVM's life: loading a network per task or per image would cost more
 * than labelling. The engines are not made for concurrent calls, so the tasks of one executor take
 * turns on it ({@link #lock}); they decode their images in parallel outside that turn, and the
 * engine itself uses the executor's cores ({@code OMP_NUM_THREADS}).
 */
final class ExecutorModel {
    private static final Map<String, ExecutorModel> LOADED = new ConcurrentHashMap<>();

    final SplitModel model;
    final ExplainEngine engine;
    final Object lock = new Object();

    private ExecutorModel(SplitModel model, ExplainEngine engine) {
        this.model = model;
        this.engine = engine;
    }

    static ExecutorModel get(LabelSpec spec) {
        return get(spec.model(), spec.layer(), spec.method(), spec.batch(), spec.norm(), spec.tta(), spec.fuse());
    }

    static ExecutorModel get(String model, String layer, String method, int batch, String norm, String tta, String fuse) {
        String key = String.join("|", model, String.valueOf(layer), method, String.valueOf(batch), norm, tta, String.valueOf(fuse));
        return LOADED.computeIfAbsent(key, k -> {
            SplitModel m = Models.load(Path.of(model), layer, null);
            return new ExecutorModel(m, new ExplainEngine(m, Methods.create(method, batch), Normalization.parse(norm),
                    Tta.parse(tta), fuse == null ? null : Fusion.parse(fuse)));
        });
    }
}
