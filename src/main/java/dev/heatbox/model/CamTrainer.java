package dev.heatbox.model;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.heatbox.data.DatasetFolder;
import dev.heatbox.util.Allocator;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Trains the CAM network on a dataset folder's single-object images with DJL's Trainer. */
public final class CamTrainer {
    /** Images as model-ready floats with their class indices. */
    public record Tensors(float[] data, int[] labels, int channels, int height, int width) {
        public int size() {
            return labels.length;
        }
    }

    /**
     * @param imagesPerSecond over the whole run (validation included)
     * @param epochSeconds each epoch's training steps alone (no validation): the first holds the warm-up
     */
    public record Result(double trainLoss, double trainAccuracy, double valAccuracy, double imagesPerSecond,
                         double seconds, List<Double> epochLosses, List<Double> epochSeconds) {
        /** Training images per second after the first epoch (the warm-up), or over the one epoch there is. */
        public double steadyImagesPerSecond(int images) {
            List<Double> later = epochSeconds.size() > 1 ? epochSeconds.subList(1, epochSeconds.size()) : epochSeconds;
            return images * later.size() / later.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final TrainConfig config;
    private final PrintStream log;
    private final String engine;

    public CamTrainer(TrainConfig config, PrintStream log) {
        this(config, log, null);
    }

    /** @param engine "mxnet" or "pytorch" (null: MXNet) */
    public CamTrainer(TrainConfig config, PrintStream log, String engine) {
        this.config = config;
        this.log = log;
        this.engine = Engines.name(engine);
    }

    /** Class names in the order of the dataset's categories; the class index is that position. */
    public static List<String> classNames(DatasetFolder.Loaded d) {
        List<String> names = new ArrayList<>();
        d.coco().categories.forEach(c -> names.add(c.name));
        return names;
    }

    public static Tensors load(DatasetFolder.Loaded d, InputSpec in) {
        Cv.load();
        Map<Long, Integer> classOf = new java.util.HashMap<>();
        for (int i = 0; i < d.coco().categories.size(); i++) {
            classOf.put(d.coco().categories.get(i).id, i);
        }
        int n = d.items().size();
        int per = in.channels() * in.height * in.width;
        float[] data = new float[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            DatasetFolder.Item it = d.items().get(i);
            if (it.categories().isEmpty()) {
                throw BadInputException.of(it.image(), "image has no annotation, so no class to train on");
            }
            labels[i] = classOf.get(it.categories().get(0));
            float[] x = in.toTensor(Cv.read(it.image(), in.grey()));
            System.arraycopy(x, 0, data, i * per, per);
        }
        return new Tensors(data, labels, in.channels(), in.height, in.width);
    }

    /** Trains and saves the model to {@code out}; returns the final figures. */
    public Result train(Tensors train, Tensors val, List<String> classes, Path out) throws IOException {
        // PyTorch's oneDNN convolution backward reads channel padding it never wrote: zero-filled
        // allocations while training keep stale NaN bytes out of the gradients (eval/PERFORMANCE.md)
        try (Allocator.Setting zeroFill = engine.equals(Engines.PYTORCH) ? Allocator.zeroFillWhileTraining() : Allocator.NONE) {
            return trainZeroFilled(train, val, classes, out);
        }
    }

    private Result trainZeroFilled(Tensors train, Tensors val, List<String> classes, Path out) throws IOException {
        TrainConfig.Training t = config.training;
        Engine.getEngine(engine).setRandomSeed((int) t.seed);
        config.architecture.classes = classes.size();
        Block block = config.architecture.build();
        try (Model model = Model.newInstance(config.name, engine)) {
            model.setBlock(block);
            int updates = t.epochs * ((train.size() + t.batch_size - 1) / t.batch_size);
            Tracker lr = "cosine".equals(t.schedule)
                    ? Tracker.cosine().setBaseValue((float) t.learning_rate).optFinalValue(0f).setMaxUpdates(updates).build()
                    : Tracker.fixed((float) t.learning_rate);
            DefaultTrainingConfig tc = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).build());
            NDManager mgr = model.getNDManager();
            ArrayDataset ds = new ArrayDataset.Builder()
                    .setData(mgr.create(train.data(), new Shape(train.size(), train.channels(), train.height(), train.width())))
                    .optLabels(mgr.create(train.labels()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false))
                    .setSampling(t.batch_size, true)
                    .build();
            List<Double> epochLosses = new ArrayList<>();
            List<Double> epochSeconds = new ArrayList<>();
            double lossAvg = 0;
            double accAvg = 0;
            double valAcc = Double.NaN;
            long start = System.nanoTime();
            long seen = 0;
            try (Trainer trainer = model.newTrainer(tc)) {
                trainer.initialize(new Shape(1, train.channels(), train.height(), train.width()));
                NDArray nonNegative = config.architecture.nonNegativeWeights ? CamNetModel.classifierWeight(block) : null;
                int skipped = 0;
                for (int epoch = 1; epoch <= t.epochs; epoch++) {
                    double lossSum = 0;
                    long correct = 0;
                    long count = 0;
                    long epochStart = System.nanoTime();
                    for (Batch batch : trainer.iterateDataset(ds)) {
                        try (batch) {
                            NDList data = t.hide_patch > 0 ? new NDList(hide(batch.getData().head(), t))
                                    : batch.getData();
                            NDList labels = batch.getLabels();
                            float batchLoss;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList pred = trainer.forward(data, labels);
                                NDArray loss = trainer.getLoss().evaluate(labels, pred);
                                gc.backward(loss);
                                long bs = labels.head().size();
                                batchLoss = loss.getFloat();
                                if (Float.isFinite(batchLoss)) {
                                    lossSum += batchLoss * bs;
                                    correct += pred.head().argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                            .eq(labels.head()).sum().getLong();
                                    count += bs;
                                }
                            }
                            if (!Float.isFinite(batchLoss) || !finiteGradients(block)) {
                                // a non-finite step would poison every weight it touches: skip it, as mixed-precision
                                // trainers do, and give up only if it keeps happening
                                skipped++;
                                log.printf(Locale.ROOT, "epoch %d: skipped a step with a non-finite %s%n", epoch,
                                        Float.isFinite(batchLoss) ? "gradient" : "loss");
                                if (skipped > MAX_SKIPPED) {
                                    throw new IllegalStateException("training diverged: " + skipped + " steps with a non-finite"
                                            + " loss or gradient (lower training.learning_rate)");
                                }
                                continue;
                            }
                            trainer.step();
                            if (nonNegative != null) {
                                projectNonNegative(nonNegative);
                            }
                        }
                    }
                    epochSeconds.add((System.nanoTime() - epochStart) / 1e9);
                    seen += count;
                    lossAvg = lossSum / count;
                    epochLosses.add(lossAvg);
                    accAvg = (double) correct / count;
                    valAcc = val == null ? Double.NaN : accuracy(model, block, val);
                    double secs = (System.nanoTime() - start) / 1e9;
                    double rate = seen / secs;
                    double eta = (t.epochs - epoch) * (secs / epoch);
                    log.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  acc %.3f  val acc %.3f  %.0f img/s  ETA %s%n",
                            epoch, t.epochs, lossAvg, accAvg, valAcc, rate, clock(eta));
                }
            } catch (TranslateException e) {
                throw new IllegalStateException("training failed: " + e.getMessage(), e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ModelSpec spec = new ModelSpec();
            spec.name = config.name;
            spec.input = config.input;
            spec.architecture = config.architecture;
            spec.layer = "trunk";
            spec.output = null;
            spec.classifier = Map.of("weight", "head.linear.weight", "bias", "head.linear.bias");
            spec.engine = engine;
            CamNetModel.save(model, spec, classes, out);
            return new Result(lossAvg, accAvg, valAcc, seen / seconds, seconds, epochLosses, epochSeconds);
        }
    }

    /** More skipped steps than this and the run is called diverged. */
    static final int MAX_SKIPPED = 20;

    /** Whether every trainable parameter's gradient is finite (one reduction per parameter array). */
    static boolean finiteGradients(Block block) {
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            if (w.hasGradient()) {
                try (NDArray g = w.getGradient(); NDArray sum = g.sum()) {
                    if (!Float.isFinite(sum.getFloat())) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** w ← max(w, 0) in place, so the optimizer's state and the gradient stay bound to this array. */
    static void projectNonNegative(NDArray w) {
        try (NDArray keep = w.gte(0f); NDArray mask = keep.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)) {
            w.muli(mask);
        }
    }

    /** Blacks out random grid cells (value 0, the background colour after normalization with mean 0). */
    static NDArray hide(NDArray x, TrainConfig.Training t) {
        Shape s = x.getShape();
        int g = t.hide_patch;
        long gh = (s.get(2) + g - 1) / g;
        long gw = (s.get(3) + g - 1) / g;
        NDArray keep = x.getManager().randomUniform(0f, 1f, new Shape(s.get(0), 1, gh, gw))
                .gte((float) t.hide_probability).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        keep = keep.repeat(2, g).repeat(3, g).get(":, :, :" + s.get(2) + ", :" + s.get(3));
        return x.mul(keep);
    }

    /** Top-1 accuracy in inference mode, 256 images at a time. */
    public static double accuracy(Model model, Block block, Tensors data) {
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        int per = data.channels() * data.height() * data.width();
        long correct = 0;
        for (int s = 0; s < data.size(); s += 256) {
            int n = Math.min(256, data.size() - s);
            try (NDManager sub = model.getNDManager().newSubManager()) {
                float[] chunk = java.util.Arrays.copyOfRange(data.data(), s * per, (s + n) * per);
                NDArray x = sub.create(chunk, new Shape(n, data.channels(), data.height(), data.width()));
                NDArray pred = block.forward(ps, new NDList(x), false).head().argMax(1);
                long[] p = pred.toLongArray();
                for (int i = 0; i < n; i++) {
                    if (p[i] == data.labels()[s + i]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / data.size();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
