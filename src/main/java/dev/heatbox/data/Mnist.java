package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** MNIST digits in IDX format (gzip): 28×28 grey images, white ink on black, labels 0–9. */
public record Mnist(byte[][] images, int[] labels, int rows, int cols) {

    public static Mnist load(Path dir) {
        Path imgFile = dir.resolve("images-idx3-ubyte.gz");
        Path lblFile = dir.resolve("labels-idx1-ubyte.gz");
        int rows;
        int cols;
        byte[][] images;
        try (DataInputStream in = open(imgFile)) {
            if (in.readInt() != 2051) {
                throw BadInputException.of(imgFile, "not an IDX image file (bad magic number)");
            }
            int n = in.readInt();
            rows = in.readInt();
            cols = in.readInt();
            images = new byte[n][rows * cols];
            for (byte[] im : images) {
                in.readFully(im);
            }
        } catch (IOException e) {
            throw BadInputException.of(imgFile, "cannot read IDX images: " + e.getMessage());
        }
        int[] labels;
        try (DataInputStream in = open(lblFile)) {
            if (in.readInt() != 2049) {
                throw BadInputException.of(lblFile, "not an IDX label file (bad magic number)");
            }
            int n = in.readInt();
            if (n != images.length) {
                throw BadInputException.of(lblFile, n + " labels for " + images.length + " images");
            }
            labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
            }
        } catch (IOException e) {
            throw BadInputException.of(lblFile, "cannot read IDX labels: " + e.getMessage());
        }
        return new Mnist(images, labels, rows, cols);
    }

    public int size() {
        return labels.length;
    }

    private static DataInputStream open(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw BadInputException.of(f, "file not found");
        }
        InputStream raw = Files.newInputStream(f);
        return new DataInputStream(new java.io.BufferedInputStream(new GZIPInputStream(raw)));
    }
}
