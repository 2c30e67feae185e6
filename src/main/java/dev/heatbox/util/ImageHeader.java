package dev.heatbox.util;

/**
 * An image's size read from its header (PNG, JPEG, BMP) without decoding it, so a file that claims
 * billions of pixels is refused before any memory is spent on it.
 */
public record ImageHeader(String format, long width, long height) {
    /** OpenCV's own default CV_IO_MAX_IMAGE_PIXELS (2^30): imdecode refuses larger images. */
    public static final long MAX_PIXELS = 1L << 30;

    public long pixels() {
        return width * height;
    }

    /** The header's size, or null when the format is not one of these or the header is cut short. */
    public static ImageHeader read(byte[] b) {
        if (b.length >= 24 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R') {
            return new ImageHeader("PNG", u32be(b, 16), u32be(b, 20));
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return jpeg(b);
        }
        if (b.length >= 26 && b[0] == 'B' && b[1] == 'M') {
            long w = Math.abs((long) s32le(b, 18));
            long h = Math.abs((long) s32le(b, 22));
            return new ImageHeader("BMP", w, h);
        }
        return null;
    }

    /** Walks the JPEG segments to the first start-of-frame marker. */
    private static ImageHeader jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return null;
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i += 2; // markers without a length
                continue;
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                long h = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                long w = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                return new ImageHeader("JPEG", w, h);
            }
            if (len < 2) {
                return null;
            }
            i += 2 + len;
        }
        return null;
    }

    private static long u32be(byte[] b, int o) {
        return ((long) (b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    private static int s32le(byte[] b, int o) {
        return (b[o] & 0xff) | ((b[o + 1] & 0xff) << 8) | ((b[o + 2] & 0xff) << 16) | ((b[o + 3] & 0xff) << 24);
    }
}
