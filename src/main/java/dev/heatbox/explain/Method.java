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

    /**
     * Whether the engine keeps only the positive part of the layer map before normalizing. True
     * for the CAM family: negative values are evidence against the class, and a region with no
     * evidence either way must come out as 0, not as whatever min-max makes of the most negative spot.
     */
    default boolean relu() {
        return true;
    }

    /** Whether the method needs only forward passes on the input (occlusion, RISE, LIME): it runs on any model. */
    default boolean blackBox() {
        return false;
    }

    /**
     * Whether the map comes from the feature map (and its gradient) alone, never from the input at the
     * model's size: then an enlarged TTA view can be explained too.
     */
    default boolean featureMapOnly() {
        return false;
    }

    /** Whether the engine must record the head and pass ∂y^c/∂A in the context. */
    default boolean needsGradient() {
        return false;
    }
}
