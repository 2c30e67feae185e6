package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import dev.heatbox.model.SplitModel;

/** What a method may use for one batch: the model, the feature map A [N,K,h,w], the scores and the targets. */
public record ExplainContext(SplitModel model, NDArray features, NDArray scores, int[] targets) {}
