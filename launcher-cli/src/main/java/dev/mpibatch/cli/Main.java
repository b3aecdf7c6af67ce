package dev.mpibatch.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

import dev.mpibatch.agent.rendezvous.RendezvousException;
import dev.mpibatch.plan.PlanException;
import picocli.CommandLine;

/** The {@code mpi-batch} command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        dev.mpibatch.agent.Utf8Console.install();
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs the CLI in this process and returns its exit code (for tests and embedding). */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        MpiBatchCommand root = new MpiBatchCommand(out, err, env);
        CommandLine commandLine = new CommandLine(root);
        // Before the settings below: picocli applies them to the subcommands registered at the time.
        MpiBatchCommand.subcommandsFor(args).forEach((name, command) -> commandLine.addSubcommand(name, command.get()));
        commandLine
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExitCodeExceptionMapper(Main::exitCode)
                .setDefaultValueProvider(new ConfigDefaults(env, java.nio.file.Path.of("").toAbsolutePath()))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    err.println("mpi-batch: " + message(e));
                    if (exitCode(e) == ExitCodes.USAGE && String.valueOf(e.getMessage()).startsWith("--")) {
                        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
                    }
                    if (root.verbose) {
                        e.printStackTrace(err);
                    }
                    return exitCode(e);
                })
                .setParameterExceptionHandler((e, parsed) -> {
                    err.println("mpi-batch: " + e.getMessage());
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
                    err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                    return ExitCodes.USAGE;
                });
        return commandLine.execute(args);
    }

    static int exitCode(Throwable e) {
        if (e instanceof PlanException || e instanceof IllegalArgumentException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof RendezvousException || e instanceof software.amazon.awssdk.core.exception.SdkException
                || e instanceof dev.mpibatch.launcher.LauncherException) {
            return ExitCodes.REMOTE;
        }
        return ExitCodes.INTERNAL;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "internal error: " + e.getClass().getName() + " (run with --verbose for details)";
        }
        return exitCode(e) == ExitCodes.INTERNAL ? "internal error: " + message : message;
    }
}
