package dev.heatbox.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.heatbox.util.BadInputException;

/**
 * CAM (Zhou et al. 2016): M_c = Σ_k w_k^c · A^k with w^c the classifier row of class c after
 * global average pooling. Needs a network whose head is GAP + linear. The engine then keeps the
 * positive part (as Grad-CAM does, so that both agree on GAP networks) and min-max normalizes.
 */
public final class Cam implements Method {
    @Override
    public boolean featureMapOnly() {
        return true;
    }

    @Override
    public String name() {
        return "cam";
    }

    @Override
    public NDArray layerMap(ExplainContext ctx) {
        NDArray weight = ctx.model().classifierWeight();
        if (weight == null) {
            throw new BadInputException("model " + ctx.model().spec().name
                    + ": CAM needs global average pooling followed by a linear classifier; use --method gradcam");
        }
        NDArray a = ctx.features();
        long n = a.getShape().get(0);
        long k = a.getShape().get(1);
        long h = a.getShape().get(2);
        long w = a.getShape().get(3);
        if (weight.getShape().get(1) != k) {
            throw new BadInputException("model " + ctx.model().spec().name + ": CAM needs the layer the classifier pools ("
                    + weight.getShape().get(1) + " channels); layer " + ctx.model().layer() + " has " + k
                    + "; use --method gradcam (or layercam) at this layer");
        }
        NDArray idx = a.getManager().create(ctx.targets());
        NDArray wc = weight.get(new NDIndex("{}", idx)).reshape(n, 1, k);
        // [N,1,K] x [N,K,h·w] -> [N,1,h·w]
        return wc.matMul(a.reshape(n, k, h * w)).reshape(n, h, w);
    }
}
