package dev.heatbox.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NumPy .npy files (format 1.0), little-endian float32, C order: what np.load reads. */
public final class Npy {
    private Npy() {}

    public static void writeFloat32(Path file, float[] data, int... shape) {
        long n = 1;
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            n *= d;
            dims.append(d).append(", ");
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape does not match data length");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // header (magic 6 + version 2 + len 2 + dict + newline) padded to a multiple of 64
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        buf.putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        buf.asFloatBuffer().put(data);
        AtomicFiles.writeBytes(file, buf.array());
    }

    /** A float32 array read back, with its shape. */
    public record Array(float[] data, int[] shape) {}

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Array readFloat32(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw BadInputException.of(file, "cannot read: " + e.getMessage());
        }
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || !new String(bytes, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw BadInputException.of(file, "not a .npy file");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xffff;
            start = 10;
        } else {
            headerLen = buf.getInt(8);
            start = 12;
        }
        String header = new String(bytes, start, headerLen, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw BadInputException.of(file, "expected little-endian float32 in C order, header " + header.trim());
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw BadInputException.of(file, "no shape in .npy header");
        }
        String[] parts = m.group(1).split(",");
        int count = 0;
        int[] tmp = new int[parts.length];
        long n = 1;
        for (String p : parts) {
            if (!p.isBlank()) {
                tmp[count] = Integer.parseInt(p.trim());
                n *= tmp[count++];
            }
        }
        int[] shape = java.util.Arrays.copyOf(tmp, count);
        int dataStart = start + headerLen;
        if (bytes.length - dataStart != 4 * n) {
            throw BadInputException.of(file, "truncated .npy data");
        }
        float[] data = new float[(int) n];
        ByteBuffer.wrap(bytes, dataStart, (int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return new Array(data, shape);
    }
}
