package dev.heatbox.util;

/**
 * Bad input that stops a command: the message is one line naming the file and the problem,
 * and the command exits with code 3.
 */
public class BadInputException extends RuntimeException {
    /** The problem without the file, when the exception names one (see {@link #of}); else null. */
    private final String problem;

    public BadInputException(String message) {
        this(message, null, null);
    }

    public BadInputException(String message, Throwable cause) {
        this(message, null, cause);
    }

    private BadInputException(String message, String problem, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    /** "file: problem", the one-line shape every bad-input error takes. */
    public static BadInputException of(Object file, String problem) {
        return new BadInputException(file + ": " + problem, problem, null);
    }

    /** The same line naming the file as {@code name} (e.g. the path a user listed, where another was read). */
    public String naming(Object name) {
        return problem == null ? getMessage() : name + ": " + problem;
    }
}
