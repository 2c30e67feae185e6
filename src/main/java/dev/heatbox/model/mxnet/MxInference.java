package dev.heatbox.model.mxnet;

import ai.djl.mxnet.engine.MxGradientCollector;
import ai.djl.training.GradientCollector;
import dev.heatbox.model.SplitModel;

/**
 * MXNet runs everything inside a gradient collector in training mode, where batch norm uses
 * batch statistics (and a symbol block overwrites its moving averages). Explanations must see
 * the model as it predicts. But MKLDNN's max-pool backward is wrong in inference mode
 * (../shared/NOTES-djl-mxnet.md; reproduced by CamNetworkTest). So: a model that computes the same
 * in both modes (no batch norm, no dropout) stays in training mode while recording, which gives the
 * correct max-pool gradient; any other model is switched to inference mode.
 */
public final class MxInference {
    private MxInference() {}

    /** A gradient collector of the model's engine in the mode that gives this model's true gradient. */
    public static GradientCollector collector(SplitModel model) {
        GradientCollector gc = model.manager().getEngine().newGradientCollector();
        if (gc instanceof MxGradientCollector && !model.sameInTrainingMode()) {
            MxGradientCollector.setTraining(false);
        }
        return gc;
    }
}
