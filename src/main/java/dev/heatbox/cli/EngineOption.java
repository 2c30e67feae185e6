package dev.heatbox.cli;

import picocli.CommandLine.Option;

/** {@code --engine}: which DJL engine runs the CAM network Heatbox trains (a @Mixin of train, explain, demo). */
public final class EngineOption {
    /**
     * Training runs on PyTorch unless told otherwise: on the 2-core machines it trains the CAM
     * network 1.4–2x faster than MXNet with the same GT-known Loc (eval/PERFORMANCE.md, eval/DEMO.md).
     */
    static final String TRAINING_DEFAULT = "pytorch";

    @Option(names = "--engine", paramLabel = "mxnet|pytorch",
            description = {"engine for the CAM network: training (default: pytorch, the faster here), and explaining",
                "a heatbox-cam model (default: the one it was trained on). TorchScript folders always run on PyTorch."})
    String engine;

    /** The engine to train on. */
    String forTraining() {
        return engine != null ? engine : TRAINING_DEFAULT;
    }
}
