package dev.heatbox.model;

import ai.djl.ndarray.NDArray;

/**
 * How a backward pass goes through a rectifier (ReLU, or ReLU6 = clip(0, 6)); the article's point:
 * vanilla gradients, deconvnet and guided backpropagation differ only here. For ReLU6 the gate is
 * 0 &lt; x &lt; 6 (where the unit passes its input on), applied the same way in every rule.
 */
public enum RectifierRule {
    /** Plain backprop: grad_in = grad_out · gate(x). */
    GRADIENT,
    /** Deconvnet (Zeiler and Fergus): grad_in = max(grad_out, 0), ignoring the forward pass. */
    DECONVNET,
    /** Guided backpropagation (Springenberg et al.): grad_in = grad_out · gate(x) · [grad_out &gt; 0]. */
    GUIDED;

    /**
     * @param x   the rectifier's input (pre-activation)
     * @param max the upper clip (6 for ReLU6), or +∞ for ReLU
     */
    public NDArray apply(NDArray gradOut, NDArray x, float max) {
        NDArray gate = x.gt(0f);
        if (!Float.isInfinite(max)) {
            gate = gate.logicalAnd(x.lt(max));
        }
        NDArray g = gate.toType(gradOut.getDataType(), false);
        switch (this) {
            case GRADIENT:
                return gradOut.mul(g);
            case DECONVNET:
                return gradOut.maximum(0f);
            case GUIDED:
                return gradOut.mul(g).mul(gradOut.gt(0f).toType(gradOut.getDataType(), false));
            default:
                throw new IllegalStateException();
        }
    }
}
