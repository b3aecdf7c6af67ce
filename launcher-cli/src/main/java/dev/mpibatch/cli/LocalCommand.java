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
                + "or containers of a node image (--image).")
final class LocalCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOBFILE", description = "The job file (YAML or JSON).")
    Path jobFile;

    @Spec
    CommandSpec commandSpec;

    Integer nodes;
    Integer slotsPerNode;
    String subnet;
    String endpointUrl;
    Duration formationTimeout;
    MpiImplementation mpi;
    LinkRate linkRate;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of hosts, 1 to 1000 (overrides the job file's nodes).")
    void nodes(int value) {
        nodes = OptionChecks.nodes(commandSpec, value);
    }

    @Option(names = "--slots-per-node", paramLabel = "S", description = "MPI slots per host (overrides slotsPerNode).")
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

    @Option(names = "--rendezvous", paramLabel = "URL", description = "Rendezvous through s3://bucket/prefix instead of a local directory.")
    String rendezvous;

    @Option(names = "--endpoint-url", paramLabel = "URL", description = "S3 endpoint for --rendezvous (a local S3 server).")
    void endpointUrl(String url) {
        endpointUrl = OptionChecks.endpoint(commandSpec, "--endpoint-url", url);
    }

    @Option(names = "--formation-timeout", paramLabel = "DURATION", description = "Overrides the job file's formation timeout (e.g. 30s, 2m).")
    void formationTimeout(String text) {
        formationTimeout = OptionChecks.duration(commandSpec, "--formation-timeout", text);
    }

    @Option(names = "--mpi", paramLabel = "IMPL", description = "MPI implementation: auto, openmpi or mpich (overrides the job file's mpi).")
    void mpi(String text) {
        mpi = OptionChecks.parsed(commandSpec, "--mpi ", text, MpiImplementation::parse);
    }

    @Option(names = "--keep", description = "Keep the hosts' directories and the rendezvous afterwards, for inspection.")
    boolean keep;

    @Option(names = "--loopback", description = "Use loopback hosts even as root.")
    boolean loopback;

    @Option(names = "--agent-jar", paramLabel = "PATH", description = "The node agent jar (default: MPI_BATCH_AGENT_JAR, or next to this CLI's jar).")
    Path agentJar;

    @Option(names = "--link-rate", paramLabel = "RATE", description = "Cap every namespace host's link in both "
            + "directions (tc tbf), e.g. 200mbit: a real network's bandwidth, for benchmarks.")
    void linkRate(String text) {
        linkRate = OptionChecks.parsed(commandSpec, "--link-rate: ", text, LinkRate::parse);
    }

    @Option(names = "--cleanup", description = "Instead of running a job: remove what killed runs left (processes, "
            + "namespaces, bridge, veths, run directories); runs still going are left alone.")
    boolean cleanup;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Run every host as a container of IMAGE (podman), "
            + "on a network of its own, with the environment AWS Batch gives each node: test the image you will push "
            + "(build it with bin/build-image).")
    String image;

    @Option(names = "--shm-size", paramLabel = "MiB", description = "With --image: size of every container's /dev/shm "
            + "(default: ${DEFAULT-VALUE}, Batch's when the job definition sets none; submit sets half the node memory).",
            defaultValue = "" + ContainerImage.DEFAULT_SHM_MIB)
    int shmSize;

    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A variable for every step and every rank on "
            + "every host, over the job file's env (repeatable).")
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
                    .filter(name -> !name.equals("--cleanup") && !name.equals("--verbose"))
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
                agentJar(), loopback, new HashSet<>(neverStart), parent.env, parent.out, parent.err);
        if (linkRate != null) {
            options = options.withLinkRate(linkRate);
        }
        if (containerImage != null) {
            options = options.withImage(containerImage);
        }
        options = options.withJobEnv(env);
        return new LocalCluster(options).run();
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
