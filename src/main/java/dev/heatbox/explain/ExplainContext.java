package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import dev.heatbox.model.SplitModel;

/**
 * What a method may use for one batch: the model, the feature map A [N,K,h,w], the scores
 * [N, classes], each image's target, the model-ready input batch, and — for methods that ask for
 * it — ∂(each image's target score)/∂A, [N,K,h,w].
 */
public record ExplainContext(SplitModel model, NDArray features, NDArray scores, int[] targets, NDArray input,
                             NDArray gradient) {
    public ExplainContext(SplitModel model, NDArray features, NDArray scores, int[] targets) {
        this(model, features, scores, targets, null, null);
    }
}
