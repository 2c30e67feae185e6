package dev.heatbox.model;

import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Json;
import java.nio.file.Path;

/** {@code configs/train-cam-digits.json}: the network, its input, and the training schedule. */
public class TrainConfig {
    public String name = "cam-digits";
    public InputSpec input;
    public CamArchitecture architecture = new CamArchitecture();
    public Training training = new Training();

    public static class Training {
        public int epochs = 6;
        public int batch_size = 64;
        public double learning_rate = 0.002;
        /** "fixed", or "cosine": the rate falls along a half cosine to 0 over all updates. */
        public String schedule = "fixed";
        public long seed = 1;
        /**
         * Hide-and-seek (Singh and Lee, 2017): each training image is cut into a grid of
         * {@code hide_patch}-pixel cells and each cell is blacked out with probability
         * {@code hide_probability}, so the network cannot rely on the single most telling part and its
         * CAM spreads over the whole object. 0 turns it off.
         */
        public int hide_patch = 0;
        public double hide_probability = 0.5;
    }

    public static TrainConfig read(Path file) {
        TrainConfig c = Json.read(file, TrainConfig.class);
        if (c.input == null) {
            throw BadInputException.of(file, "field 'input' is missing");
        }
        c.input.validate(file);
        if (c.training.epochs <= 0 || c.training.batch_size <= 0 || !(c.training.learning_rate > 0)) {
            throw BadInputException.of(file, "training.epochs, batch_size and learning_rate must be positive");
        }
        if (c.architecture.stages == null || c.architecture.stages.isEmpty()) {
            throw BadInputException.of(file, "architecture.stages must list at least one stage");
        }
        return c;
    }
}
