package dev.mpibatch.cli;

import java.io.PrintStream;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The root command: its subcommands do the work. */
@Command(name = "mpi-batch", mixinStandardHelpOptions = true, versionProvider = MpiBatchCommand.Version.class,
        description = "Run MPI programs on AWS Batch multi-node parallel jobs, or on a local multi-host cluster.",
        subcommands = {LocalCommand.class, SubmitCommand.class, StatusCommand.class, LogsCommand.class,
                CancelCommand.class, ListCommand.class, ConfigureCommand.class, CdsTrainingCommand.class})
public final class MpiBatchCommand implements Runnable {
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

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = MpiBatchCommand.class.getPackage().getImplementationVersion();
            return new String[] {"mpi-batch " + (version == null ? "dev" : version)};
        }
    }
}
