package dev.heatbox.model;

import java.util.List;

/** What every {@link SplitModel} holds the same way: its folder's spec (and so its input) and its labels. */
public abstract class AbstractSplitModel implements SplitModel {
    protected final ModelSpec spec;
    protected final List<String> labels;

    protected AbstractSplitModel(ModelSpec spec, List<String> labels) {
        this.spec = spec;
        this.labels = labels;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public InputSpec input() {
        return spec.input;
    }

    @Override
    public List<String> labels() {
        return labels;
    }
}
