package dev.mpibatch.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import dev.mpibatch.plan.DurationText;

/**
 * Everything the agent is told through its environment, read once: who the node is ({@link NodeEnvironment})
 * and what mpi-batch's launcher set ({@code MPI_BATCH_*}, names in {@link AgentEnv}).
 *
 * @param node             the node's identity from Batch's variables
 * @param plan             where the plan is: {@code s3://bucket/key} or a file path
 * @param rendezvous       the rendezvous root: {@code s3://bucket/prefix} or a directory
 * @param s3Endpoint       an S3 endpoint override (a local S3 server)
 * @param files            where the staged files are, if any
 * @param sshPort          the port for this node's sshd
 * @param address          the node's cluster address when it must not be discovered
 * @param subnet           the cluster's subnet (CIDR) for choosing the interface
 * @param stateDir         the agent's private state directory, the same path on every node
 * @param workDir          overrides the plan's working directory
 * @param slots            overrides the plan's slots per node
 * @param formationTimeout overrides the plan's formation timeout
 * @param keepRendezvous   keep the rendezvous objects at the end
 * @param sharedFileSystem all nodes share one file system, so broadcast copies nothing
 * @param broadcastTreeMax files up to this many bytes are broadcast along a tree, larger ones along chains
 */
public record AgentSettings(NodeEnvironment node, String plan, String rendezvous, Optional<String> s3Endpoint,
                            Optional<String> files, int sshPort, Optional<String> address, Optional<String> subnet,
                            Path stateDir, Optional<String> workDir, OptionalInt slots,
                            Optional<Duration> formationTimeout, boolean keepRendezvous, boolean sharedFileSystem,
                            long broadcastTreeMax) {

    public static final int DEFAULT_SSH_PORT = 2222;
    public static final String DEFAULT_STATE_DIR = "/run/mpi-batch";

    public AgentSettings {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(rendezvous, "rendezvous");
        Objects.requireNonNull(stateDir, "stateDir");
    }

    /**
     * Reads the settings from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable that is missing or wrong
     */
    public static AgentSettings from(Map<String, String> env) {
        NodeEnvironment node = NodeEnvironment.from(env);
        String plan = required(env, AgentEnv.PLAN, "the plan's location (s3://bucket/key or a file)");
        String rendezvous = required(env, AgentEnv.RENDEZVOUS, "the rendezvous root (s3://bucket/prefix or a directory)");
        int port = optional(env, AgentEnv.SSH_PORT).map(v -> port(v)).orElse(DEFAULT_SSH_PORT);
        OptionalInt slots = optional(env, AgentEnv.SLOTS)
                .map(v -> OptionalInt.of(atLeastOne(AgentEnv.SLOTS, v))).orElse(OptionalInt.empty());
        Optional<Duration> formation = optional(env, AgentEnv.FORMATION_TIMEOUT).map(v -> duration(AgentEnv.FORMATION_TIMEOUT, v));
        Path stateDir = Path.of(optional(env, AgentEnv.STATE_DIR).orElse(DEFAULT_STATE_DIR));
        if (!stateDir.isAbsolute()) {
            throw new IllegalArgumentException(AgentEnv.STATE_DIR + "='" + stateDir + "' must be an absolute path");
        }
        return new AgentSettings(node, plan, rendezvous, optional(env, AgentEnv.S3_ENDPOINT),
                optional(env, AgentEnv.FILES), port, optional(env, AgentEnv.ADDRESS), optional(env, AgentEnv.SUBNET),
                stateDir, optional(env, AgentEnv.WORK_DIR), slots, formation,
                flag(env, AgentEnv.KEEP_RENDEZVOUS), flag(env, AgentEnv.SHARED_FS),
                optional(env, AgentEnv.BROADCAST_TREE_MAX).map(v -> (long) number(AgentEnv.BROADCAST_TREE_MAX, v))
                        .orElse(dev.mpibatch.agent.ssh.Broadcaster.DEFAULT_TREE_MAX_BYTES));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String required(Map<String, String> env, String name, String what) {
        return optional(env, name).orElseThrow(() -> new IllegalArgumentException(name + " is not set: it must hold "
                + what + "; 'mpi-batch submit' and 'mpi-batch local' set it"));
    }

    private static boolean flag(Map<String, String> env, String name) {
        return optional(env, name).map(v -> v.equalsIgnoreCase("true") || v.equals("1")).orElse(false);
    }

    private static int port(String value) {
        int port = number(AgentEnv.SSH_PORT, value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(AgentEnv.SSH_PORT + "=" + value + " is not a TCP port: use 1 to 65535");
        }
        return port;
    }

    private static int atLeastOne(String name, String value) {
        int number = number(name, value);
        if (number < 1) {
            throw new IllegalArgumentException(name + "=" + value + " must be at least 1");
        }
        return number;
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a whole number", e);
        }
    }

    private static Duration duration(String name, String value) {
        try {
            return DurationText.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a duration: use e.g. 90s, 10m or 1h", e);
        }
    }
}
