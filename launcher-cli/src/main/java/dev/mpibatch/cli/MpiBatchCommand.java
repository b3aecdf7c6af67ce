package dev.mpibatch.cli;

import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.mpibatch.launcher.aws.AwsClients;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root command: its subcommands do the work. The global options (where AWS is, how much to print) are declared
 * here with {@code scope = INHERIT}, so they are accepted before or after the subcommand's name and their values land
 * here whichever way they were given.
 */
@Command(name = "mpi-batch", mixinStandardHelpOptions = true, versionProvider = MpiBatchCommand.Version.class,
        description = "Run MPI programs on AWS Batch multi-node parallel jobs, or on a local multi-host cluster.",
        synopsisSubcommandLabel = "COMMAND", sortOptions = false,
        commandListHeading = "%nCommands:%n",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_FAILED,
                HelpText.EXIT_USAGE, HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch local examples/c-hello/job.yaml --nodes 3",
                "  mpi-batch submit examples/c-hello/job.yaml --image $REPO:latest --wait",
                "  mpi-batch --region eu-west-1 status JOB_ID --output json",
                "  mpi-batch help submit",
                "  source <(mpi-batch completion bash)", HelpText.SETTINGS})
public final class MpiBatchCommand implements Runnable {
    /** Every subcommand by name, in the order help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();
    /** Commands that need every other command's model: they describe or complete them. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");
    /** The root's options that take a value: their values are not the subcommand's name. */
    private static final Set<String> WITH_VALUE = Set.of("--region", "--endpoint-url", "--profile");

    final PrintStream out;
    final PrintStream err;
    final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--region", paramLabel = "REGION", scope = ScopeType.INHERIT, order = 100,
            description = "AWS region (default: MPI_BATCH_REGION, AWS_REGION or AWS_DEFAULT_REGION; then the "
                    + "region of --profile; then region= in the config file; then the default profile's).")
    String region;

    String endpointUrl;

    @Option(names = "--endpoint-url", paramLabel = "URL", scope = ScopeType.INHERIT, order = 101,
            description = "Send every AWS request here, e.g. an emulator such as moto (default: AWS's own endpoints; "
                    + "for local: the S3 endpoint of --rendezvous).")
    void endpointUrl(String url) {
        endpointUrl = OptionChecks.endpoint(spec, "--endpoint-url", url);
    }

    @Option(names = "--profile", paramLabel = "NAME", scope = ScopeType.INHERIT, order = 102,
            description = "AWS profile (credentials and region) from ~/.aws/config and ~/.aws/credentials "
                    + "(default: AWS_PROFILE, else the SDK's default chain).")
    String profile;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, order = 103,
            description = "Print more: -v adds the agents' and the launcher's INFO lines, -vv DEBUG lines and stack "
                    + "traces (default: warnings and errors only).")
    boolean[] verbosity = new boolean[0];

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, order = 104,
            description = "Print only errors and the job's own output: no progress line, no summary (default: off).")
    boolean quiet;

    @Option(names = {"-x", "--stack-trace"}, scope = ScopeType.INHERIT, order = 105,
            description = "Show the stack trace of an error (default: off).")
    boolean stackTrace;

    /** The settings' defaults (set by {@link Main}), for the config file's region. */
    ConfigDefaults defaults;
    private AwsClients aws;

    MpiBatchCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: "
                + String.join(", ", SUBCOMMANDS.keySet().stream().filter(n -> !n.equals("cds-training")).toList()));
    }

    /** How much to print: -1 quiet, 0 the default (warnings and errors), 1 INFO, 2 DEBUG. */
    int verbosity() {
        return quiet ? -1 : Math.min(2, verbosity.length);
    }

    /** Stack traces of errors: with -x or -vv. */
    boolean stackTraces() {
        return stackTrace || verbosity.length >= 2;
    }

    /** The AWS clients the global options describe, with the config file's region as a fallback; made once. */
    AwsClients aws() {
        if (aws == null) {
            aws = AwsClients.forCli(region, endpointUrl, profile,
                    defaults == null ? java.util.Optional.empty() : defaults.region(), env);
        }
        return aws;
    }

    /** The clients, if a command made them (for messages about the region). */
    java.util.Optional<AwsClients> awsIfMade() {
        return java.util.Optional.ofNullable(aws);
    }

    /**
     * The subcommands to register for {@code args}: only the one named, when it is one. Picocli builds its model of a
     * command by reflection over its annotations, a start-up cost better paid for one subcommand than for all; help,
     * completion, a missing or an unknown command get them all (for the list and for suggestions).
     */
    static Map<String, Supplier<Object>> subcommandsFor(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.startsWith("-")) {
                if (WITH_VALUE.contains(arg)) {
                    i++;
                }
                continue;
            }
            return SUBCOMMANDS.containsKey(arg) && !NEED_ALL.contains(arg) ? Map.of(arg, SUBCOMMANDS.get(arg)) : SUBCOMMANDS;
        }
        return SUBCOMMANDS;
    }

    /** Every subcommand's name, in help's order (the hidden one included). */
    static Set<String> commandNames() {
        return SUBCOMMANDS.keySet();
    }

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> all = new LinkedHashMap<>();
        all.put("local", LocalCommand::new);
        all.put("submit", SubmitCommand::new);
        all.put("wait", WaitCommand::new);
        all.put("status", StatusCommand::new);
        all.put("logs", LogsCommand::new);
        all.put("cancel", CancelCommand::new);
        all.put("list", ListCommand::new);
        all.put("configure", ConfigureCommand::new);
        all.put("doctor", DoctorCommand::new);
        all.put("completion", CompletionCommand::new);
        all.put("help", CommandLine.HelpCommand::new);
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
