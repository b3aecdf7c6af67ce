package dev.mpibatch.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import dev.mpibatch.launcher.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How a failure is told: one line {@code mpi-batch: <what failed, the value, the fix>} on stderr, a pointer to
 * {@code --help} for usage errors, a stack trace only when asked for (-x, -vv). A bad value that came from the
 * environment or a config file is reported as such, naming the variable or the file and the key, not as a bad flag.
 */
final class Errors {
    private final MpiBatchCommand root;
    private final ConfigDefaults defaults;
    private final String[] args;
    private final PrintStream err;

    Errors(MpiBatchCommand root, ConfigDefaults defaults, String[] args, PrintStream err) {
        this.root = root;
        this.defaults = defaults;
        this.args = args.clone();
        this.err = err;
    }

    /** A bad command line (or a bad default for one of its options). */
    int parameter(CommandLine.ParameterException e, String[] ignored) {
        Optional<String> fromConfig = e.getArgSpec() instanceof OptionSpec option
                ? configured(ConfigDefaults.name(option), option.longestName()) : Optional.empty();
        if (fromConfig.isPresent()) {
            err.println("mpi-batch: " + fromConfig.get() + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        err.println("mpi-batch: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        return ExitCodes.USAGE;
    }

    /** A failure while a command ran. */
    int execution(Exception thrown, CommandLine command) {
        Throwable e = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        int code = ExitCodes.of(e);
        Optional<String> fromConfig = e instanceof InvalidInputException invalid && invalid.setting().isPresent()
                ? configured(invalid.setting().get(), "--" + invalid.setting().get()) : Optional.empty();
        if (fromConfig.isPresent()) {
            err.println("mpi-batch: " + fromConfig.get() + ": " + e.getMessage());
        } else if (e instanceof dev.mpibatch.launcher.JobNotFoundException) {
            // Which region was asked is the usual answer: say where it came from.
            err.println("mpi-batch: " + e.getMessage() + root.awsIfMade().map(aws -> " (the region came from "
                    + aws.regionSource() + "; --region or --profile choose another)").orElse(""));
        } else {
            err.println("mpi-batch: " + message(e, code));
            if (code == ExitCodes.USAGE && String.valueOf(e.getMessage()).startsWith("--")) {
                err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
            }
        }
        if (root.stackTraces()) {
            e.printStackTrace(err);
        }
        return code;
    }

    /**
     * "MPI_BATCH_VCPUS in the environment sets vcpus=0" or "~/.mpi-batch/config sets vcpus=0", with the fix, when
     * the setting's value came from there and not from the command line.
     */
    private Optional<String> configured(String setting, String flag) {
        boolean onCommandLine = Arrays.stream(args).anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
        if (onCommandLine) {
            return Optional.empty();
        }
        return defaults.origin(setting).map(origin -> origin + " sets " + setting + "=" + defaults.value(setting)
                + " (fix or remove it there, or override it with " + flag + ")");
    }

    private static String message(Throwable e, int code) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "internal error: " + e.getClass().getName() + " (run again with -x for details, and report it)";
        }
        return code == ExitCodes.INTERNAL ? "internal error: " + message + " (run again with -x for details)" : message;
    }
}
