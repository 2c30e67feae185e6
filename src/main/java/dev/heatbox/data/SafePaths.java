package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Resolves a path named in a dataset file, refusing anything that leaves the dataset root. */
public final class SafePaths {
    private SafePaths() {}

    public static Path inside(Path root, String relative, Path namedIn) {
        if (relative == null || relative.isBlank()) {
            throw BadInputException.of(namedIn, "empty file name");
        }
        Path p;
        try {
            Path rel = Path.of(relative);
            if (rel.isAbsolute()) {
                throw BadInputException.of(namedIn, "path '" + relative + "' is absolute; it must lie inside " + root);
            }
            p = root.resolve(rel).normalize();
        } catch (InvalidPathException e) {
            throw BadInputException.of(namedIn, "invalid path '" + relative + "'");
        }
        if (!p.toAbsolutePath().normalize().startsWith(root.toAbsolutePath().normalize())) {
            throw BadInputException.of(namedIn, "path '" + relative + "' points outside the dataset root " + root);
        }
        return p;
    }
}
