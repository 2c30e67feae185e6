package dev.heatbox.cli;

import picocli.CommandLine.Option;

/** {@code --engine}: which DJL engine runs the CAM network Heatbox trains (a @Mixin of train, explain, demo). */
public final class EngineOption {
    @Option(names = "--engine", paramLabel = "mxnet|pytorch",
            description = {"engine for the CAM network: training, and explaining a heatbox-cam model (default: mxnet",
                "to train; the one it was trained on to explain). TorchScript folders always run on PyTorch."})
    String engine;
}
