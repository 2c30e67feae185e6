package dev.heatbox.util;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The glibc allocator settings the heatbox launcher exports before the JVM starts (reused heap
 * memory instead of page-faulted fresh mmaps; see the launcher and eval/PERFORMANCE.md). glibc
 * reads them once at start-up, so a process started elsewhere (a Spark executor) has to be given them.
 *
 * <p>Zero-filled allocations are needed only while PyTorch trains: its oneDNN convolution backward
 * reads channel padding it never wrote, and stale NaN bytes there poisoned gradients. They cost 2.3×
 * on inference, so they are switched on for training alone ({@link #zeroFillWhileTraining}), through
 * glibc's {@code mallopt(M_PERTURB)}, the call behind {@code MALLOC_PERTURB_}.
 */
public final class Allocator {
    private Allocator() {}

    public static final List<String> VARIABLES = List.of("MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_",
            "MALLOC_TRIM_THRESHOLD_", "MALLOC_PERTURB_");

    /** The settings this process runs with (those of {@link #VARIABLES} that are set). */
    public static Map<String, String> current() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String v : VARIABLES) {
            String value = System.getenv(v);
            if (value != null) {
                out.put(v, value);
            }
        }
        return out;
    }

    /** glibc's mallopt parameter behind MALLOC_PERTURB_ (malloc.h: M_PERTURB −6). */
    private static final int M_PERTURB = -6;

    /** The C library, as JNA (a DJL dependency) loads it; null where it cannot (not glibc). */
    private interface LibC extends com.sun.jna.Library {
        int mallopt(int param, int value);
    }

    private static LibC libc;
    private static boolean libcTried;

    private static synchronized LibC libc() {
        if (!libcTried) {
            libcTried = true;
            try {
                libc = com.sun.jna.Native.load("c", LibC.class);
            } catch (LinkageError | RuntimeException e) {
                libc = null; // not Linux/glibc: nothing to switch, and no oneDNN padding problem known there
            }
        }
        return libc;
    }

    /** A setting in force until closed; closing never throws. */
    public interface Setting extends AutoCloseable {
        @Override
        void close();
    }

    /** Nothing to undo. */
    public static final Setting NONE = () -> { };

    /**
     * Makes glibc fill every allocation with zeros (perturb byte 255) until closed, then stops; a no-op
     * when the user set MALLOC_PERTURB_ (their setting stands) or where mallopt is not available.
     */
    public static Setting zeroFillWhileTraining() {
        LibC c = System.getenv("MALLOC_PERTURB_") == null ? libc() : null;
        if (c == null || c.mallopt(M_PERTURB, 255) != 1) {
            return NONE;
        }
        return () -> c.mallopt(M_PERTURB, 0);
    }
}
