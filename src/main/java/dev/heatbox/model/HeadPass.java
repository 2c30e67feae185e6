package dev.heatbox.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/**
 * One recorded pass through the head only: the scores, and the gradient of an objective (one
 * value per image, summed) with respect to the feature map A. The trunk never records.
 */
public record HeadPass(NDArray scores, NDArray gradient) {

    /**
     * @param objective scores [N, classes] → [N], e.g. each image's own target score; any scalar
     *                  function of the output per image works (the article: captioning, VQA)
     */
    public static HeadPass run(SplitModel model, NDArray features, Function<NDArray, NDArray> objective) {
        features.setRequiresGradient(true);
        NDArray scores;
        try (GradientCollector gc = model.newGradientCollector()) {
            scores = model.scores(features);
            gc.backward(objective.apply(scores).sum());
        }
        return new HeadPass(scores, features.getGradient());
    }
}
