package dev.heatbox.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @Test
    void roundTripAndHeaderIsWhatNumpyWrites(@TempDir Path tmp) throws IOException {
        float[] data = {0f, 0.25f, 1f, 0.5f, 0.75f, 0.125f};
        Path f = tmp.resolve("m.npy");
        Npy.writeFloat32(f, data, 2, 3);
        byte[] bytes = Files.readAllBytes(f);
        assertEquals(0, (10 + (bytes[8] & 0xff)) % 64, "header padded to 64 bytes");
        String header = new String(bytes, 10, bytes[8] & 0xff, StandardCharsets.US_ASCII);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", header.strip());
        Npy.Array back = Npy.readFloat32(f);
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(data, back.data());
    }

    @Test
    void truncatedFileIsBadInput(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("m.npy");
        Npy.writeFloat32(f, new float[] {1, 2, 3, 4}, 2, 2);
        byte[] b = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(b, b.length - 3));
        assertThrows(BadInputException.class, () -> Npy.readFloat32(f));
    }
}
