package dev.heatbox.data;

import dev.heatbox.util.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** PATH for --images: an image file, a folder of images (not recursive), or a text file listing image paths. */
public final class ImageSources {
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp");

    private ImageSources() {}

    public static List<Path> list(Path path) {
        List<Path> out = new ArrayList<>();
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                s.filter(p -> Files.isRegularFile(p) && isImageName(p)).sorted().forEach(out::add);
            } catch (IOException e) {
                throw BadInputException.of(path, "cannot list: " + e.getMessage());
            }
            if (out.isEmpty()) {
                throw BadInputException.of(path, "no images in the folder (looked for " + IMAGE_EXTENSIONS + ")");
            }
        } else if (Files.isRegularFile(path) && isImageName(path)) {
            out.add(path);
        } else if (Files.isRegularFile(path)) {
            try {
                Path base = path.toAbsolutePath().getParent();
                for (String line : Files.readAllLines(path)) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("#")) {
                        Path p = Path.of(l);
                        out.add(p.isAbsolute() ? p : base.resolve(p));
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw BadInputException.of(path, "not an image and not a readable list of image paths");
            }
            if (out.isEmpty()) {
                throw BadInputException.of(path, "the list names no images");
            }
        } else {
            throw BadInputException.of(path, "no such file or folder");
        }
        uniqueStems(out);
        return out;
    }

    /**
     * The images of a folder with one subfolder per category (ImageNet / Keras layout), at any depth
     * below it, in path order; images directly in the folder are listed too (they have no category).
     */
    public static List<Path> listCategoryFolders(Path root) {
        if (!Files.isDirectory(root)) {
            throw BadInputException.of(root, "--labels folders needs --images to be a folder with one subfolder per category");
        }
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> Files.isRegularFile(p) && isImageName(p)).sorted().forEach(out::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw BadInputException.of(root, "cannot list the category folders");
        }
        if (out.isEmpty()) {
            throw BadInputException.of(root, "no images in the folder or its subfolders (looked for " + IMAGE_EXTENSIONS + ")");
        }
        uniqueStems(out);
        return out;
    }

    private static void uniqueStems(List<Path> out) {
        Map<String, Path> stems = new HashMap<>();
        for (Path p : out) {
            Path prev = stems.put(stem(p), p);
            if (prev != null) {
                throw BadInputException.of(p, "same file stem as " + prev + "; outputs are named by stem");
            }
        }
    }

    public static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1));
    }
}
