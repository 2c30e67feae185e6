package dev.heatbox.model.mxnet;

import ai.djl.engine.Engine;
import ai.djl.mxnet.engine.MxGradientCollector;

/**
 * MXNet runs everything inside a gradient collector in training mode, where batch norm uses
 * batch statistics (and a symbol block overwrites its moving averages). Explanations must see
 * the model as it predicts, so recording is switched back to inference mode here.
 */
public final class MxInference {
    private MxInference() {}

    /** Call right after opening a gradient collector. */
    public static void inferenceModeWhileRecording() {
        if ("MXNet".equals(Engine.getInstance().getEngineName())) {
            MxGradientCollector.setTraining(false);
        }
    }
}
