package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;

/** One explanation method: how it turns a feature map (and what else the engine gives it) into a layer map. */
public interface Method {
    /** The name used by {@code --method}. */
    String name();

    /**
     * Class-activation map at layer resolution, [N, h, w], before upsampling and normalization.
     *
     * @param ctx the batch's feature map, scores and targets
     */
    NDArray layerMap(ExplainContext ctx);
}
