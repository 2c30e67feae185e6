package dev.heatbox.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shipped material lives: $HEATBOX_HOME (set by the launcher), else the working directory. */
final class Shipped {
    private Shipped() {}

    static Path home() {
        String h = System.getenv("HEATBOX_HOME");
        if (h == null) {
            h = System.getProperty("heatbox.home");
        }
        Path p = h == null ? Path.of("").toAbsolutePath() : Path.of(h);
        return p;
    }

    static Path path(String relative) {
        Path p = home().resolve(relative);
        if (!Files.exists(p)) {
            // running from a sub-folder (tests run from the repo root, the launcher sets HEATBOX_HOME)
            Path q = Path.of(relative).toAbsolutePath();
            if (Files.exists(q)) {
                return q;
            }
        }
        return p;
    }
}
