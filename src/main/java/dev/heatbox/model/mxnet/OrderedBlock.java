package dev.heatbox.model.mxnet;

import ai.djl.mxnet.engine.MxSymbolBlock;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * An MxSymbolBlock whose inputs are given in the caller's order. MXNet binds inputs in its own
 * argument order (a depth-first walk from the outputs), which differs from the order of the
 * nodes in the JSON once a graph has branches; this keeps the two apart.
 */
final class OrderedBlock {
    private final MxSymbolBlock block;
    /** argOrder[k] = index in the caller's list of the k-th input in MXNet's order. */
    private final int[] argOrder;

    OrderedBlock(MxSymbolBlock block, List<String> callerOrder, List<String> mxnetOrder) {
        this.block = block;
        this.argOrder = new int[mxnetOrder.size()];
        for (int k = 0; k < mxnetOrder.size(); k++) {
            argOrder[k] = callerOrder.indexOf(mxnetOrder.get(k));
        }
    }

    NDList forward(ParameterStore store, NDList inputs) {
        NDList ordered = new NDList(argOrder.length);
        for (int i : argOrder) {
            ordered.add(inputs.get(i));
        }
        return block.forward(store, ordered, false);
    }
}
