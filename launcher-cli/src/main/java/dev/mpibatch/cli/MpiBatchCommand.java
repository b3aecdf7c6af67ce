package dev.mpibatch.cli;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The root command: its subcommands do the work. */
@Command(name = "mpi-batch", mixinStandardHelpOptions = true, versionProvider = MpiBatchCommand.Version.class,
        description = "Run MPI programs on AWS Batch multi-node parallel jobs, or on a local multi-host cluster.")
public final class MpiBatchCommand implements Runnable {
    /** Every subcommand by name, in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;

    @Option(names = {"-x", "--verbose"}, description = "Show stack traces of errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
    boolean verbose;

    MpiBatchCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a command: local, submit, status, logs, cancel or list");
    }

    /**
     * The subcommands to register for {@code args}: only the one named, when it is one. Picocli builds its model of a
     * command by reflection over its annotations, a start-up cost better paid for one subcommand than for all; help,
     * a missing or an unknown command get them all (for the list and for suggestions).
     */
    static Map<String, Supplier<Object>> subcommandsFor(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return SUBCOMMANDS.containsKey(arg) ? Map.of(arg, SUBCOMMANDS.get(arg)) : SUBCOMMANDS;
            }
        }
        return SUBCOMMANDS;
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("local", LocalCommand::new);
        all.put("submit", SubmitCommand::new);
        all.put("status", StatusCommand::new);
        all.put("logs", LogsCommand::new);
        all.put("cancel", CancelCommand::new);
        all.put("list", ListCommand::new);
        all.put("configure", ConfigureCommand::new);
        all.put("doctor", DoctorCommand::new);
        all.put("cds-training", CdsTrainingCommand::new);
        return Collections.unmodifiableMap(all);
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MpiBatchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"mpi-batch " + (version == null ? "dev" : version)};
        }
    }
}
