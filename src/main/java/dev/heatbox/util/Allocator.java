package dev.heatbox.util;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The glibc allocator settings the heatbox launcher exports before the JVM starts (reused heap
 * memory instead of page-faulted fresh mmaps, zero-filled because PyTorch's oneDNN convolution
 * backward reads channel padding it never wrote; see the launcher and eval/PERFORMANCE.md). glibc
 * reads them once at start-up, so a process started elsewhere (a Spark executor) has to be given them.
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
}
