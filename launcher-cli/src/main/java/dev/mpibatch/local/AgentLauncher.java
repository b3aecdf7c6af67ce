package dev.mpibatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mpibatch.agent.AgentEnv;
import dev.mpibatch.agent.rendezvous.NoAnswer;
import dev.mpibatch.agent.rendezvous.RendezvousStores;

/**
 * Starts the node agent of one host with the environment AWS Batch would give it, inside the host's namespaces
 * (network, hostname, private mount of its directory) or as a plain process on a loopback host.
 */
final class AgentLauncher implements NodeStarter {
    /**
     * Sets the hostname, mounts the host's private directory, and gives the host a private /tmp inside it (Open MPI's
     * session directories and anything else a killed host leaves in /tmp go away with the run's directory); then
     * becomes the agent. Values come as arguments, never spliced into the script.
     */
    private static final String HOST_SCRIPT = "hostname \"$1\" && mount --bind \"$2\" \"$3\""
            + " && mkdir -p \"$2/tmp\" && chmod 1777 \"$2/tmp\" && mount --bind \"$2/tmp\" /tmp"
            + " && shift 3 && exec \"$@\"";

    private final LocalClusterOptions options;
    private final LocalLayout layout;
    private final Path planFile;
    private final String rendezvous;
    private final String jobId;
    private final List<Host> hosts;
    private final boolean namespaces;
    private final List<NodeOutput> pumps = new ArrayList<>();
    private final Path entrypoint;
    private final Path agentJar;

    AgentLauncher(LocalClusterOptions options, LocalLayout layout, Path planFile, String rendezvous, String jobId,
                  List<Host> hosts, boolean namespaces) {
        this.options = options;
        this.layout = layout;
        this.planFile = planFile;
        this.rendezvous = rendezvous;
        this.jobId = jobId;
        this.hosts = hosts;
        this.namespaces = namespaces;
        this.entrypoint = layout.root().resolve("mpi-batch-agent");
        this.agentJar = layout.root().resolve("mpi-batch-agent.jar");
    }

    /**
     * Puts the image's entrypoint script and node-side client (mpi-batch-node, the mpi_batch Python module; resources
     * of this jar) and a copy of the agent jar in the run's directory, laid out as in the image, where every host can
     * run them: a namespace host has a private /tmp, so a jar kept below /tmp (a checkout there) would be out of its
     * sight.
     */
    void installAgent() {
        try {
            copyResource("mpi-batch-agent", entrypoint);
            copyResource("bin/mpi-batch-node", layout.root().resolve("bin/mpi-batch-node"));
            java.nio.file.Files.setPosixFilePermissions(layout.root().resolve("bin/mpi-batch-node"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            copyResource("python/mpi_batch.py", layout.root().resolve("python/mpi_batch.py"));
            java.nio.file.Files.copy(options.agentJar(), agentJar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the agent in " + layout.root() + ": " + e.getMessage(), e);
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (var in = AgentLauncher.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the agent's " + name + " is missing from the mpi-batch jar: rebuild it");
            }
            java.nio.file.Files.createDirectories(target.getParent());
            java.nio.file.Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public Process start(Host host, Runnable beforeOutputLine) {
        ProcessBuilder builder = new ProcessBuilder(command(host)).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(environment(host));
        try {
            Process process = builder.start();
            pumps.add(NodeOutput.pump(process.getInputStream(), options.out(), host.index(), beforeOutputLine));
            pumps.add(NodeOutput.pump(process.getErrorStream(), options.err(), host.index(), beforeOutputLine));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent of node " + host.index() + ": " + e.getMessage(), e);
        }
    }

    /** Waits for the output of the agents to be copied out completely (see {@link NodeOutput#drain}). */
    @Override
    public void drainOutput() {
        for (NodeOutput pump : pumps) {
            try {
                pump.drain();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<String> command(Host host) {
        List<String> command = new ArrayList<>();
        if (host.namespace().isPresent()) {
            command.addAll(List.of("ip", "netns", "exec", host.namespace().get(),
                    "unshare", "--uts", "--mount", "--propagation", "private", "--",
                    "sh", "-c", HOST_SCRIPT, "sh", host.hostname(), host.privateDir().toString(),
                    layout.mountPoint().toString()));
        }
        command.add("sh");
        command.add(entrypoint.toString());
        return command;
    }

    Map<String, String> environment(Host host) {
        Map<String, String> env = new HashMap<>();
        options.environment().forEach((name, value) -> {
            if (!name.startsWith("AWS_BATCH_") && !name.startsWith("MPI_BATCH_")) {
                env.put(name, value);
            }
        });
        Host main = hosts.get(0);
        env.put(AgentEnv.NODE_INDEX, Integer.toString(host.index()));
        env.put(AgentEnv.MAIN_NODE_INDEX, "0");
        env.put(AgentEnv.NUM_NODES, Integer.toString(hosts.size()));
        env.put(AgentEnv.JOB_ID, jobId + "#" + host.index());
        env.put(AgentEnv.JOB_ATTEMPT, "1");
        env.put("AWS_BATCH_JQ_NAME", "local");
        env.put("AWS_BATCH_CE_NAME", "local");
        if (host.index() != 0) {
            env.put(AgentEnv.MAIN_NODE_ADDRESS, main.address());
        }
        env.put("MPI_BATCH_AGENT_JAR", agentJar.toString());
        env.put("MPI_BATCH_JAVA", ProcessHandle.current().info().command().orElse("java"));
        // The image's entrypoint honours it: let a local run try other JVM options for the agent.
        String jvmOptions = options.environment().get("MPI_BATCH_AGENT_JVM_OPTS");
        if (jvmOptions != null && !jvmOptions.isBlank()) {
            env.put("MPI_BATCH_AGENT_JVM_OPTS", jvmOptions);
        }
        // A tuning knob the broadcast benchmark turns: passed on as the user set it.
        String treeMax = options.environment().get(AgentEnv.BROADCAST_TREE_MAX);
        if (treeMax != null && !treeMax.isBlank()) {
            env.put(AgentEnv.BROADCAST_TREE_MAX, treeMax);
        }
        env.put(AgentEnv.PLAN, planFile.toString());
        env.put(AgentEnv.RENDEZVOUS, rendezvous);
        options.endpointUrl().ifPresent(url -> env.put(AgentEnv.S3_ENDPOINT, endpointSeenFromHosts(url)));
        env.put(AgentEnv.SSH_PORT, Integer.toString(host.sshPort()));
        if (namespaces) {
            env.put(AgentEnv.SUBNET, Subnet.parse(options.subnet()).cidr());
        } else {
            env.put(AgentEnv.ADDRESS, host.address());
            env.put(AgentEnv.SHARED_FS, "true");
        }
        env.put(AgentEnv.STATE_DIR, layout.stateDir(host.index()).toString());
        env.put(AgentEnv.WORK_DIR, layout.workDir().toString());
        options.slotsPerNode().ifPresent(s -> env.put(AgentEnv.SLOTS, Integer.toString(s)));
        options.formationTimeout().ifPresent(t -> env.put(AgentEnv.FORMATION_TIMEOUT, t.toMillis() + "ms"));
        if (options.keep()) {
            env.put(AgentEnv.KEEP_RENDEZVOUS, "true");
        }
        return env;
    }

    /**
     * A namespace host cannot reach this machine's loopback: a local S3 server at 127.0.0.1 is reached through the
     * bridge's address instead (the server must listen there too, e.g. on 0.0.0.0).
     */
    String endpointSeenFromHosts(String url) {
        if (!namespaces || !RendezvousStores.isS3(rendezvous)) {
            return url;
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host != null && (host.equals("localhost") || host.startsWith("127."))) {
            // Rebuilt from its parts, not by text: user info (user:secret@) stays where it is and is never printed.
            String bridge = Subnet.parse(options.subnet()).bridgeAddress();
            try {
                return new URI(uri.getScheme(), uri.getRawUserInfo() == null ? null : uri.getUserInfo(), bridge,
                        uri.getPort(), uri.getPath(), uri.getQuery(), uri.getFragment()).toString();
            } catch (java.net.URISyntaxException e) {
                throw new dev.mpibatch.launcher.InvalidInputException("--endpoint-url: cannot point " + NoAnswer.withoutUserInfo(uri)
                        + " at the bridge address " + bridge + ": " + e.getReason(), e);
            }
        }
        return url;
    }
}
