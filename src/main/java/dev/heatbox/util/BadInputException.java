package dev.heatbox.util;

/**
 * Bad input that stops a command: the message is one line naming the file and the problem,
 * and the command exits with code 3.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "file: problem", the one-line shape every bad-input error takes. */
    public static BadInputException of(Object file, String problem) {
        return new BadInputException(file + ": " + problem);
    }
}
