package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import dev.heatbox.model.SplitModel;

/** Test access to the plain input gradient. */
public final class SaliencyAccess {
    private SaliencyAccess() {}

    public static NDArray inputGradient(SplitModel m, NDArray x, int[] targets) {
        return Saliency.inputGradient(m, x, targets);
    }
}
