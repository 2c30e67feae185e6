package dev.heatbox.cli;

import dev.heatbox.data.DigitSynth;
import dev.heatbox.data.Mnist;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = {"Generate a localization dataset.",
            "",
            "digits: cluttered handwritten digits from the real MNIST digits in datasets/mnist-10k.",
            "Each grey image (white ink on black) holds one target digit scaled to 20-40 px at a random",
            "place, and 4-6 distractor fragments (6-12 px crops of other digits) that keep a 2-px gap",
            "from it. The box is the tight box of the target's ink. Categories: ids 1-10 named \"0\"-\"9\".",
            "Writes OUT/train, OUT/val, OUT/test (80/10/10 of --count), each with images/,",
            "instances.json (COCO) and voc/. The source digits of the three splits are disjoint.",
            "Same --seed, same bytes."})
public final class SynthCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "what to generate: digits")
    String kind;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--count", defaultValue = "5000", description = "total images over the three splits (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--size", defaultValue = "96", description = "image side in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--bias", defaultValue = "none", description = "none, or background: in train/ the background brightness"
            + " gives the class away (class c on grey 10+10c); val/ and test/ get random backgrounds (default ${DEFAULT-VALUE})")
    String bias;

    @Option(names = "--background", defaultValue = "black", description = "black, grey-noise (a grey level in [40, 160] with"
            + " Gaussian noise up to σ 20 under every image) or mixed (half each) (default ${DEFAULT-VALUE})")
    String background;

    @Option(names = "--bias-strength", defaultValue = "1.0", description = "fraction of training images whose background follows"
            + " their class (default ${DEFAULT-VALUE})")
    double biasStrength;

    @Option(names = "--mnist", description = "folder with the MNIST IDX files (default: datasets/mnist-10k)")
    Path mnist;

    @Override
    public Integer call() {
        if (!"digits".equals(kind)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "unknown kind '" + kind + "' (known: digits)");
        }
        if (count < 10 || size < 48) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--count must be at least 10 and --size at least 48");
        }
        if (!bias.equals("none") && !bias.equals("background") || biasStrength < 0 || biasStrength > 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--bias is none or background, --bias-strength a fraction in [0, 1]");
        }
        if (!DigitSynth.BACKGROUNDS.contains(background)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--background is one of " + String.join(", ", DigitSynth.BACKGROUNDS));
        }
        DigitSynth.Options o = new DigitSynth.Options();
        o.background = background;
        o.count = count;
        o.size = size;
        o.seed = seed;
        o.bias = bias;
        o.biasStrength = biasStrength;
        generate(mnist == null ? Shipped.path("datasets/mnist-10k") : mnist, o, out);
        int[] c = new DigitSynth(null, o).splitCounts();
        System.out.printf("wrote %d train, %d val, %d test images to %s%n", c[0], c[1], c[2], out);
        return 0;
    }

    static void generate(Path mnistDir, DigitSynth.Options o, Path out) {
        new DigitSynth(Mnist.load(mnistDir), o).writeAll(out);
    }
}
