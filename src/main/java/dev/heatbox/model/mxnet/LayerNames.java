package dev.heatbox.model.mxnet;

import java.util.Comparator;
import java.util.List;

/** Suggestions for a mistyped layer name: the known names closest by edit distance. */
final class LayerNames {
    private LayerNames() {}

    static List<String> closest(String name, List<String> known, int k) {
        return known.stream().sorted(Comparator.comparingInt(a -> distance(name, a))).limit(k).toList();
    }

    /** Levenshtein distance; a missing name is as far as the other's length. */
    static int distance(String a, String b) {
        if (a == null) {
            return b.length();
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
