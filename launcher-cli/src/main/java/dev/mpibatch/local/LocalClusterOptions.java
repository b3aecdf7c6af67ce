package dev.mpibatch.local;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import dev.mpibatch.plan.MpiImplementation;

/**
 * How to run a job on a local cluster.
 *
 * @param jobFile          the job file
 * @param nodes            overrides the job file's node count
 * @param slotsPerNode     overrides the job file's slots per node
 * @param subnet           the private subnet of namespace hosts (CIDR), or {@link #AUTO_SUBNET}
 * @param rendezvous       {@code s3://bucket/prefix} to rendezvous through S3 instead of a local directory
 * @param endpointUrl      the S3 endpoint for {@code rendezvous} (a local S3 server)
 * @param formationTimeout overrides the job file's formation timeout
 * @param mpi              overrides the job file's MPI implementation
 * @param keep             keep the hosts' directories and the rendezvous afterwards, for inspection
 * @param agentJar         the node agent's executable jar
 * @param loopback         use loopback hosts even as root
 * @param neverStart       node indices whose agent never starts (a host that does not come up; for tests)
 * @param environment      the environment the agents inherit (this process's, or a test's)
 * @param out              where node output goes
 * @param err              where progress, node logs and errors go
 * @param linkRate         caps every namespace host's link in both directions (benchmarks of a real network)
 * @param image            run every host as a container of this image (podman), as AWS Batch runs the nodes
 * @param verbosity        how much to print: -1 errors and the job's output only, 0 also warnings, the progress line
 *                         and the summary, 1 also the agents' INFO lines, 2 their DEBUG lines
 * @param terminal         whether {@code err} is a terminal (the progress line is rewritten in place there)
 * @param jobEnv           variables over the job file's {@code env} ({@code --env NAME=VALUE})
 */
public record LocalClusterOptions(Path jobFile, OptionalInt nodes, OptionalInt slotsPerNode, String subnet,
                                  Optional<String> rendezvous, Optional<String> endpointUrl,
                                  Optional<Duration> formationTimeout, Optional<MpiImplementation> mpi, boolean keep, Path agentJar, boolean loopback,
                                  Set<Integer> neverStart, Map<String, String> environment,
                                  PrintStream out, PrintStream err, Optional<LinkRate> linkRate,
                                  Optional<ContainerImage> image, int verbosity, boolean terminal,
                                  Map<String, String> jobEnv) {

    /** The subnet value that lets a run pick the first free subnet from 10.213.0.0/24 up. */
    public static final String AUTO_SUBNET = "auto";
    public static final String DEFAULT_SUBNET = AUTO_SUBNET;

    /**
     * Returns {@code cidr} when it is a usable subnet for namespace hosts.
     *
     * @throws IllegalArgumentException naming {@code --subnet} and what is accepted
     */
    public static String checkSubnet(String cidr) {
        Subnet.parse(cidr);
        return cidr;
    }

    public LocalClusterOptions {
        Objects.requireNonNull(jobFile, "jobFile");
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(agentJar, "agentJar");
        Objects.requireNonNull(mpi, "mpi");
        neverStart = Set.copyOf(neverStart);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(linkRate, "linkRate");
        Objects.requireNonNull(image, "image");
        jobEnv = Map.copyOf(jobEnv);
    }

    /** Options with links at full speed, the agents' INFO lines shown, and no terminal. */
    public LocalClusterOptions(Path jobFile, OptionalInt nodes, OptionalInt slotsPerNode, String subnet,
                               Optional<String> rendezvous, Optional<String> endpointUrl,
                               Optional<Duration> formationTimeout, Optional<MpiImplementation> mpi, boolean keep,
                               Path agentJar, boolean loopback, Set<Integer> neverStart,
                               Map<String, String> environment, PrintStream out, PrintStream err) {
        this(jobFile, nodes, slotsPerNode, subnet, rendezvous, endpointUrl, formationTimeout, mpi, keep, agentJar,
                loopback, neverStart, environment, out, err, Optional.empty(), Optional.empty(), 1, false, Map.of());
    }

    /** These options with {@code cidr} as the subnet (the one a run chose). */
    public LocalClusterOptions withSubnet(String cidr) {
        return new LocalClusterOptions(jobFile, nodes, slotsPerNode, cidr, rendezvous, endpointUrl, formationTimeout,
                mpi, keep, agentJar, loopback, neverStart, environment, out, err, linkRate, image, verbosity,
                terminal, jobEnv);
    }

    /** These options with every host's link capped at {@code rate}. */
    public LocalClusterOptions withLinkRate(LinkRate rate) {
        return new LocalClusterOptions(jobFile, nodes, slotsPerNode, subnet, rendezvous, endpointUrl, formationTimeout,
                mpi, keep, agentJar, loopback, neverStart, environment, out, err, Optional.of(rate), image, verbosity,
                terminal, jobEnv);
    }

    /** These options with every host a container of {@code image}. */
    public LocalClusterOptions withImage(ContainerImage image) {
        return new LocalClusterOptions(jobFile, nodes, slotsPerNode, subnet, rendezvous, endpointUrl, formationTimeout,
                mpi, keep, agentJar, loopback, neverStart, environment, out, err, linkRate, Optional.of(image), verbosity,
                terminal, jobEnv);
    }

    /** These options with {@code env} over the job file's {@code env}. */
    public LocalClusterOptions withJobEnv(Map<String, String> env) {
        return new LocalClusterOptions(jobFile, nodes, slotsPerNode, subnet, rendezvous, endpointUrl, formationTimeout,
                mpi, keep, agentJar, loopback, neverStart, environment, out, err, linkRate, image, verbosity, terminal,
                env);
    }

    /** These options printing at {@code level} (see {@link #verbosity}), to a terminal or not. */
    public LocalClusterOptions withConsole(int level, boolean isTerminal) {
        return new LocalClusterOptions(jobFile, nodes, slotsPerNode, subnet, rendezvous, endpointUrl, formationTimeout,
                mpi, keep, agentJar, loopback, neverStart, environment, out, err, linkRate, image, level, isTerminal, jobEnv);
    }
}
