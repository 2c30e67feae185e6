package dev.heatbox.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.List;

/**
 * The CAM network: a conv trunk (stages of 3×3 conv + batch norm + ReLU, 2×2 max pooling
 * between stages) → global average pooling → one linear layer. The trunk's last ReLU output is
 * the feature map A^k, the linear weights are w_k^c.
 */
public class CamArchitecture {
    /** Conv channels per stage; a 2×2 max pool sits between consecutive stages. */
    public List<List<Integer>> stages = List.of(List.of(16), List.of(32, 32), List.of(64, 64, 64));
    public int classes = 10;
    /** Batch norm after each conv. Off, with no conv bias either, an all-black region gives exactly zero features. */
    public boolean batchNorm = true;
    public boolean convBias = true;
    /** Pooling between stages: "max" or "avg". */
    public String pool = "max";
    /**
     * Keep the linear layer's weights w_k^c ≥ 0 (projected after every training step). The
     * features are ReLU outputs, so every term of Σ_k w_k^c·A^k is then non-negative: the CAM adds
     * up evidence and cannot cancel it. With signed weights a class's map is positive on its most
     * telling parts and negative on the strokes it shares with other classes (the middle of a "5"),
     * so the 0.2·max region falls apart into pieces and the largest piece is a part.
     */
    public boolean nonNegativeWeights = false;
    /** Optional dilation per conv, same shape as {@link #stages}: grows the receptive field without down-sampling. */
    public List<List<Integer>> dilations;

    /** Children: 0 = trunk (input → features), 1 = head (GAP → flatten → linear). */
    public SequentialBlock build() {
        SequentialBlock trunk = new SequentialBlock();
        for (int s = 0; s < stages.size(); s++) {
            addStage(trunk, s);
        }
        SequentialBlock head = new SequentialBlock();
        head.add(Pool.globalAvgPool2dBlock());
        head.add(Blocks.batchFlattenBlock());
        head.add(Linear.builder().setUnits(classes).build());
        SequentialBlock net = new SequentialBlock();
        net.add(trunk);
        net.add(head);
        return net;
    }

    private void addStage(SequentialBlock to, int s) {
        if (s > 0) {
            to.add("avg".equals(pool) ? Pool.avgPool2dBlock(new Shape(2, 2), new Shape(2, 2))
                    : Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        for (int i = 0; i < stages.get(s).size(); i++) {
            int channels = stages.get(s).get(i);
            int d = dilations == null ? 1 : dilations.get(s).get(i);
            to.add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(d, d))
                    .optDilation(new Shape(d, d)).setFilters(channels).optBias(convBias).build());
            if (batchNorm) {
                to.add(BatchNorm.builder().build());
            }
            to.add(Activation.reluBlock());
        }
    }

    /** Total down-sampling factor of the trunk. */
    public int stride() {
        return 1 << (stages.size() - 1);
    }
}
