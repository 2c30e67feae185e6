package dev.heatbox.explain;

/**
 * One image's explanation: the map at the model's input resolution (values in [0, 1]), the
 * target class and its probability, and the top-1 class.
 */
public record Explanation(float[] map, int height, int width, int target, float targetProbability,
                          int top1, float top1Probability) {}
