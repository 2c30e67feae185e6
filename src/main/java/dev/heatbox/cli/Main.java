package dev.heatbox.cli;

import dev.heatbox.job.Skipped;
import dev.heatbox.util.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** {@code heatbox}: CNN heatmaps → boxes → exports → scores. */
@Command(name = "heatbox", mixinStandardHelpOptions = true, version = "heatbox 0.1.0",
        description = {"Make a CNN show where it looked, and turn that into scored, exported boxes.",
            "",
            "Exit codes: 0 success, 2 usage error, 3 bad input (one line names the file and the problem),",
            "4 finished but some inputs were skipped, 1 anything else."},
        subcommands = {DemoCommand.class, SynthCommand.class, TrainCommand.class, EvalCommand.class, ExplainCommand.class, LabelCommand.class, ExportCommand.class, ReviewCommand.class, TuneCommand.class, AuditCommand.class, FaithCommand.class, LayersCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int BAD_INPUT = 3;
    public static final int SKIPPED = Skipped.EXIT;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            Throwable root = ex;
            while ((root instanceof UncheckedIOException || root.getClass() == RuntimeException.class)
                    && root.getCause() != null && !(root instanceof BadInputException)) {
                root = root.getCause();
            }
            if (ex instanceof BadInputException || root instanceof BadInputException) {
                err.println("heatbox: " + oneLine((root instanceof BadInputException ? root : ex).getMessage()));
                return BAD_INPUT;
            }
            return reportFailure(err, ex, "");
        });
        return cl;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    public static void main(String[] args) {
        int code = execute(commandLine(), args);
        System.out.flush();
        System.exit(code);
    }

    /**
     * Runs the command line; a JVM error (out of memory, a native library that does not load)
     * escapes picocli's exception handler, so it is turned into the same one-line report here.
     */
    static int execute(CommandLine cl, String[] args) {
        try {
            return cl.execute(args);
        } catch (Error e) {
            String hint = e instanceof OutOfMemoryError ? "; try a smaller --batch, or more heap: HEATBOX_JAVA_OPTS=-Xmx16g" : "";
            int code = reportFailure(cl.getErr(), e, hint);
            cl.getErr().flush();
            return code;
        }
    }

    /** The one line for an unexpected failure (the stack only with HEATBOX_DEBUG); exit code 1. */
    private static int reportFailure(PrintWriter err, Throwable t, String hint) {
        if (System.getenv("HEATBOX_DEBUG") != null) {
            t.printStackTrace(err);
        }
        err.println("heatbox: error: " + oneLine(String.valueOf(t.getMessage())) + " (" + t.getClass().getSimpleName()
                + hint + "; set HEATBOX_DEBUG=1 for a stack trace)");
        return 1;
    }
}
