package dev.heatbox.model;

import dev.heatbox.util.BadInputException;
import java.util.Locale;

/** The DJL engines a network Heatbox builds itself (the CAM network) can run on, by their --engine names. */
public final class Engines {
    public static final String MXNET = "MXNet";
    public static final String PYTORCH = "PyTorch";

    private Engines() {}

    /** "mxnet" / "pytorch" (any case) → DJL's engine name; null → MXNet, DJL's default here. */
    public static String name(String option) {
        if (option == null) {
            return MXNET;
        }
        switch (option.toLowerCase(Locale.ROOT)) {
            case "mxnet": return MXNET;
            case "pytorch": return PYTORCH;
            default: throw new BadInputException("unknown engine '" + option + "' (known: mxnet, pytorch)");
        }
    }
}
