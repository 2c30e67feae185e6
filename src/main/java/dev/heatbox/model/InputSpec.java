package dev.heatbox.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.heatbox.util.BadInputException;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** How a model wants its input: x = (pixel·scale − mean) / std, whole image resized, NCHW. */
public class InputSpec {
    public int width;
    public int height;
    /** "RGB" or "GRAY". */
    public String color = "RGB";
    public String layout = "NCHW";
    public double scale = 1.0;
    public double[] mean = {0};
    public double[] std = {1};
    /**
     * How a photo is shrunk to the input size: "linear" (OpenCV INTER_LINEAR, what the shipped TF-trained
     * models saw in training) or "area" (INTER_AREA, antialiased like PIL's bilinear that torchvision uses).
     */
    public String resize = "linear";

    @JsonIgnore
    public int channels() {
        return "GRAY".equalsIgnoreCase(color) ? 1 : 3;
    }

    @JsonIgnore
    public boolean grey() {
        return channels() == 1;
    }

    void validate(Path file) {
        if (width <= 0 || height <= 0) {
            throw BadInputException.of(file, "input.width and input.height must be positive");
        }
        if (!"NCHW".equals(layout)) {
            throw BadInputException.of(file, "input.layout '" + layout + "' is not supported (only NCHW)");
        }
        if (!"linear".equals(resize) && !"area".equals(resize)) {
            throw BadInputException.of(file, "input.resize '" + resize + "': linear or area");
        }
        if (mean.length != 1 && mean.length != channels() || std.length != 1 && std.length != channels()) {
            throw BadInputException.of(file, "input.mean/std need 1 or " + channels() + " values");
        }
    }

    /**
     * An 8-bit image (grey, or BGR as OpenCV reads it) to the model's CHW floats: resized to the
     * input size ({@link #resize}), channels in RGB order.
     */
    public float[] toTensor(Mat image) {
        Mat resized = new Mat();
        if (image.cols() != width || image.rows() != height) {
            boolean shrinking = image.cols() > width || image.rows() > height;
            Imgproc.resize(image, resized, new Size(width, height), 0, 0,
                    "area".equals(resize) && shrinking ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
        } else {
            resized = image;
        }
        int c = channels();
        Mat conv = resized;
        if (c == 1 && resized.channels() == 3) {
            conv = new Mat();
            Imgproc.cvtColor(resized, conv, Imgproc.COLOR_BGR2GRAY);
        } else if (c == 3 && resized.channels() == 1) {
            conv = new Mat();
            Imgproc.cvtColor(resized, conv, Imgproc.COLOR_GRAY2RGB);
        } else if (c == 3) {
            conv = new Mat();
            Imgproc.cvtColor(resized, conv, Imgproc.COLOR_BGR2RGB);
        }
        byte[] px = new byte[width * height * c];
        conv.get(0, 0, px);
        int hw = width * height;
        float[] out = new float[c * hw];
        for (int ch = 0; ch < c; ch++) {
            double m = mean[mean.length == 1 ? 0 : ch];
            double s = std[std.length == 1 ? 0 : ch];
            for (int i = 0; i < hw; i++) {
                out[ch * hw + i] = (float) (((px[i * c + ch] & 0xff) * scale - m) / s);
            }
        }
        return out;
    }
}
