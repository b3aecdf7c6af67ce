package dev.mpibatch.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine;

/** The {@code mpi-batch} command line. */
public final class Main {
    private Main() {
    }

    /** The only place the CLI reads its process's environment; everything else is handed the map. */
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
        ConfigDefaults defaults = new ConfigDefaults(env, Path.of("").toAbsolutePath());
        root.defaults = defaults;
        Errors errors = new Errors(root, defaults, args, err);
        commandLine
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setUsageHelpWidth(100)
                .setExitCodeExceptionMapper(ExitCodes::of)
                .setDefaultValueProvider(defaults)
                .setExecutionStrategy(parsed -> {
                    // Help and --version need no settings; any other command is refused with a bad config file.
                    Integer help = CommandLine.executeHelpRequest(parsed);
                    if (help != null) {
                        return help;
                    }
                    CommandLine.ParseResult last = parsed;
                    while (last.hasSubcommand()) {
                        last = last.subcommand();
                    }
                    try {
                        defaults.check(last.commandSpec().name());
                    } catch (ConfigDefaults.ConfigFileException e) {
                        throw new CommandLine.ExecutionException(last.commandSpec().commandLine(), e.getMessage(), e);
                    }
                    return new CommandLine.RunLast().execute(parsed);
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> errors.execution(e, cmd))
                .setParameterExceptionHandler(errors::parameter);
        return commandLine.execute(args);
    }
}
