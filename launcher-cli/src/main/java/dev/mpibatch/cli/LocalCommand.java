package dev.mpibatch.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import dev.mpibatch.local.ContainerImage;
import dev.mpibatch.local.LocalCleanup;
import dev.mpibatch.local.LocalCluster;
import dev.mpibatch.local.LinkRate;
import dev.mpibatch.local.LocalClusterOptions;
import dev.mpibatch.plan.MpiImplementation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mpi-batch local JOBFILE --nodes N}: the job on N hosts on this machine. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run a job on a local cluster: network namespace hosts as root, loopback hosts otherwise, "
                + "or containers of a node image (--image). The nodes' output goes to stdout, progress and a summary "
                + "to stderr; the agents' INFO lines with -v.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_FAILED,
                "2:bad usage or bad input (a flag, the job file): nothing was created",
                "3:the cluster did not form (the message names the nodes), or a system tool (ip, podman) failed",
                HelpText.EXIT_INTERNAL, HelpText.EXIT_STEP, HelpText.EXIT_INTERRUPTED},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch local examples/c-hello/job.yaml --nodes 3",
                "  mpi-batch local examples/c-hello/job.yaml --nodes 3 -v     (with the agents' INFO lines)",
                "  mpi-batch local job.yaml --nodes 8 --mpi mpich --quiet | tee out.txt",
                "  mpi-batch local job.yaml --image localhost/mpi-batch:latest   (containers of the image)",
                "  mpi-batch local job.yaml --rendezvous s3://b/rdv --endpoint-url http://127.0.0.1:9000",
                "  mpi-batch local --cleanup                     (remove what killed runs left)",
                HelpText.SETTINGS})
final class LocalCommand implements Callable<Integer> {
    /** The root's options: they say how to print, not what to run, so they go with --cleanup too. */
    private static final java.util.Set<String> GLOBAL = java.util.Set.of("--verbose", "--quiet", "--stack-trace");

    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOBFILE", description = "The job file (YAML or JSON).")
    Path jobFile;

    @Spec
    CommandSpec commandSpec;

    Integer nodes;
    Integer slotsPerNode;
    String subnet;
    Duration formationTimeout;
    MpiImplementation mpi;
    LinkRate linkRate;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of hosts, 1 to 1000 (default: the job file's nodes).")
    void nodes(int value) {
        nodes = OptionChecks.nodes(commandSpec, value);
    }

    @Option(names = "--slots-per-node", paramLabel = "S", description = "MPI slots per host (default: the job file's slotsPerNode, else the CPU count).")
    void slotsPerNode(int value) {
        slotsPerNode = OptionChecks.atLeastOne(commandSpec, "--slots-per-node", value);
    }

    @Option(names = "--subnet", paramLabel = "CIDR", defaultValue = LocalClusterOptions.DEFAULT_SUBNET,
            description = "Private subnet of the namespace hosts; refused when this machine uses it already "
                    + "(default: ${DEFAULT-VALUE}, the first free one from 10.213.0.0/24 up).")
    void subnet(String cidr) {
        // checkSubnet's messages name --subnet themselves.
        subnet = LocalClusterOptions.AUTO_SUBNET.equals(cidr) ? cidr
                : OptionChecks.parsed(commandSpec, "", cidr, LocalClusterOptions::checkSubnet);
    }

    @Option(names = "--rendezvous", paramLabel = "URL", description = "Rendezvous through s3://bucket/prefix (its S3 "
            + "endpoint: --endpoint-url) instead of a local directory (default: a directory of the run).")
    String rendezvous;

    @Option(names = "--formation-timeout", paramLabel = "DURATION", description = "How long the cluster may take to form (e.g. 30s, 2m; default: the job file's timeouts.formation, "
            + "else 10m).")
    void formationTimeout(String text) {
        formationTimeout = OptionChecks.duration(commandSpec, "--formation-timeout", text);
    }

    @Option(names = "--mpi", paramLabel = "IMPL", description = "MPI implementation: auto, openmpi or mpich (default: the job file's mpi, else auto).")
    void mpi(String text) {
        mpi = OptionChecks.parsed(commandSpec, "--mpi ", text, MpiImplementation::parse);
    }

    @Option(names = "--keep", description = "Keep the hosts' directories and the rendezvous afterwards, for "
            + "inspection (default: remove everything).")
    boolean keep;

    @Option(names = "--loopback", description = "Use loopback hosts even as root (default: namespace hosts as root).")
    boolean loopback;

    @Option(names = "--agent-jar", paramLabel = "PATH", description = "The node agent jar (default: MPI_BATCH_AGENT_JAR, or next to this CLI's jar).")
    Path agentJar;

    @Option(names = "--link-rate", paramLabel = "RATE", description = "Cap every namespace host's link in both "
            + "directions (tc tbf), e.g. 200mbit: a real network's bandwidth, for benchmarks (default: no cap).")
    void linkRate(String text) {
        linkRate = OptionChecks.parsed(commandSpec, "--link-rate: ", text, LinkRate::parse);
    }

    @Option(names = "--cleanup", description = "Instead of running a job: remove what killed runs left (processes, "
            + "namespaces, bridge, veths, run directories); runs still going are left alone (default: run the job).")
    boolean cleanup;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Run every host as a container of IMAGE (podman), "
            + "on a network of its own, with the environment AWS Batch gives each node: test the image you will push "
            + "(build it with bin/build-image; default: no containers).")
    String image;

    @Option(names = "--shm-size", paramLabel = "MiB", description = "With --image: size of every container's /dev/shm "
            + "(default: ${DEFAULT-VALUE}, Batch's when the job definition sets none; submit sets half the node memory).",
            defaultValue = "" + ContainerImage.DEFAULT_SHM_MIB)
    int shmSize;

    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A variable for every step and every rank on "
            + "every host, over the job file's env (repeatable; default: none).")
    void env(Map<String, String> values) {
        env = OptionChecks.env(commandSpec, values);
    }

    @Option(names = "--never-start", paramLabel = "NODE", hidden = true, description = "Testing: a host whose agent never starts.")
    List<Integer> neverStart = List.of();

    @Override
    public Integer call() {
        if (cleanup) {
            String other = commandSpec.commandLine().getParseResult().matchedOptions().stream()
                    .map(option -> option.longestName())
                    .filter(name -> !name.equals("--cleanup") && !GLOBAL.contains(name))
                    .findFirst().orElse(jobFile != null ? "JOBFILE" : null);
            if (other != null) {
                throw new ParameterException(commandSpec.commandLine(), "--cleanup removes what killed runs left and "
                        + "runs no job: drop " + other + ", or drop --cleanup");
            }
            return LocalCleanup.run(parent.env, parent.out, parent.err);
        }
        if (jobFile == null) {
            throw new ParameterException(commandSpec.commandLine(), "Missing required parameter: 'JOBFILE'");
        }
        OptionChecks.exclusive(commandSpec, "--loopback", "--subnet", "loopback hosts have no subnet");
        for (String hostOption : List.of("--loopback", "--subnet", "--link-rate", "--agent-jar")) {
            OptionChecks.exclusive(commandSpec, "--image", hostOption,
                    "containers run the image's own agent on a podman network");
        }
        var parsed = commandSpec.commandLine().getParseResult();
        if (image == null && parsed != null && parsed.hasMatchedOption("--shm-size")) {
            throw new ParameterException(commandSpec.commandLine(), "--shm-size goes with --image (namespace and "
                    + "loopback hosts share this machine's /dev/shm)");
        }
        ContainerImage containerImage = image == null ? null
                : OptionChecks.parsed(commandSpec, "", image, name -> new ContainerImage(name, shmSize));
        String endpointUrl = parent.endpointUrl;
        if (endpointUrl != null && rendezvous == null) {
            throw new ParameterException(commandSpec.commandLine(), "--endpoint-url goes with --rendezvous s3://bucket/prefix");
        }
        if (rendezvous != null && !rendezvous.matches("s3://[^/]+(/.*)?")) {
            throw new ParameterException(commandSpec.commandLine(), "--rendezvous '" + rendezvous + "': use s3://bucket/prefix");
        }
        Optional<Duration> formation = Optional.ofNullable(formationTimeout);
        LocalClusterOptions options = new LocalClusterOptions(jobFile,
                nodes == null ? OptionalInt.empty() : OptionalInt.of(nodes),
                slotsPerNode == null ? OptionalInt.empty() : OptionalInt.of(slotsPerNode),
                subnet, Optional.ofNullable(rendezvous), Optional.ofNullable(endpointUrl), formation,
                Optional.ofNullable(mpi), keep,
                agentJar(), loopback, new HashSet<>(neverStart), environment(), parent.out, parent.err)
                .withConsole(parent.verbosity(), Terminal.isTerminal(parent.err, parent.env));
        if (linkRate != null) {
            options = options.withLinkRate(linkRate);
        }
        if (containerImage != null) {
            options = options.withImage(containerImage);
        }
        options = options.withJobEnv(env);
        return new LocalCluster(options).run();
    }

    /**
     * The environment the run and its agents get: this one, with --region and --profile as the SDK's variables (they
     * matter only to an S3 rendezvous).
     */
    private java.util.Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.HashMap<>(parent.env);
        if (parent.region != null) {
            env.put("AWS_REGION", parent.region);
            env.put("AWS_DEFAULT_REGION", parent.region);
        }
        if (parent.profile != null) {
            env.put("AWS_PROFILE", parent.profile);
        }
        return env;
    }

    private Path agentJar() {
        if (agentJar != null) {
            return agentJar;
        }
        String fromEnv = parent.env.get("MPI_BATCH_AGENT_JAR");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv);
        }
        try {
            Path cliJar = Path.of(LocalCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path sibling = cliJar.resolveSibling("mpi-batch-agent.jar");
            if (java.nio.file.Files.isRegularFile(sibling)) {
                return sibling;
            }
            // A source checkout: launcher-cli/target/mpi-batch.jar next to node-agent/target/.
            return cliJar.getParent().getParent().getParent().resolve("node-agent/target/mpi-batch-agent.jar");
        } catch (Exception e) {
            return Path.of("node-agent/target/mpi-batch-agent.jar");
        }
    }
}
