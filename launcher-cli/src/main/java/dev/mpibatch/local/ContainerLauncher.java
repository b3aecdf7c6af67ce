package dev.mpibatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mpibatch.agent.AgentEnv;
import dev.mpibatch.agent.rendezvous.RendezvousStores;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanCodec;

/**
 * Starts every host of a local cluster as a container of the node image, the way AWS Batch starts the nodes of a
 * multi-node job: one container per node on a network of its own (podman makes the addresses), the image's own
 * entrypoint and working directory, the {@code AWS_BATCH_*} variables Batch sets, {@code /dev/shm} of the size the
 * job definition would set (Docker's 64 MiB by default) and Docker's default capabilities, the main node first and the children once its address is known. What Batch would
 * fetch from S3 (the plan, the staged files) is mounted read-only; the rendezvous is a directory mounted into every
 * container, or S3. Everything it makes is removed by the run's {@link ClusterResources}.
 */
final class ContainerLauncher implements NodeStarter {
    /** Docker's default capabilities (what ECS gives Batch containers) beyond podman's smaller default set. */
    private static final List<String> DOCKER_CAPABILITIES = List.of("AUDIT_WRITE", "MKNOD", "NET_RAW");
    /** Credentials and region an S3 rendezvous needs; nothing else of this machine's environment goes in. */
    private static final List<String> AWS_PASSED = List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION");
    private static final String JOB_DIR = "/mpi-batch/job";
    private static final String RENDEZVOUS_DIR = "/mpi-batch/rendezvous";
    private static final long ADDRESS_WAIT_MILLIS = 60_000;

    private final LocalClusterOptions options;
    private final Podman podman;
    private final ContainerImage image;
    private final String jobId;
    private final String network;
    private final Path jobDir;
    private final Path rendezvousDir;
    private final List<Host> hosts = new ArrayList<>();
    private final List<NodeOutput> pumps = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();
    private final boolean hasFiles;
    private String gateway;
    private String mainAddress;

    private ContainerLauncher(LocalClusterOptions options, LocalLayout layout, String id, JobSpec spec) {
        this.options = options;
        this.podman = Podman.from(options.environment());
        this.image = options.image().orElseThrow();
        this.jobId = "local-" + id;
        this.network = "mpi-batch-" + id;
        this.jobDir = layout.root().resolve("job");
        this.rendezvousDir = layout.root().resolve("rendezvous");
        this.hasFiles = !spec.files().isEmpty();
        for (int i = 0; i < spec.nodes(); i++) {
            hosts.add(new Host(i, LocalLayout.hostname(spec.name(), i), "", LocalLayout.DEFAULT_PORT,
                    java.util.Optional.empty(), layout.hostDir(i)));
        }
    }

    /**
     * Writes the plan and the staged files where the containers will see them, and creates the run's network;
     * registers their removal with {@code resources} first, so an interrupted start leaves nothing.
     */
    static ContainerLauncher create(LocalClusterOptions options, JobSpec spec, LocalLayout layout, String id,
                                    ClusterResources resources) {
        ContainerLauncher launcher = new ContainerLauncher(options, layout, id, spec);
        resources.onClose(launcher::removeAll);
        launcher.prepare(spec);
        return launcher;
    }

    /** A launcher that made nothing, with the network's gateway and the main node's address given (tests). */
    static ContainerLauncher forTest(LocalClusterOptions options, JobSpec spec, LocalLayout layout, String id,
                                     String gateway, String mainAddress) {
        ContainerLauncher launcher = new ContainerLauncher(options, layout, id, spec);
        launcher.gateway = gateway;
        launcher.mainAddress = mainAddress;
        return launcher;
    }

    private void prepare(JobSpec spec) {
        Path base = options.jobFile().toAbsolutePath().getParent();
        try {
            Files.createDirectories(jobDir.resolve("files"));
            Files.createDirectories(rendezvousDir);
            LocalCluster.write(jobDir.resolve("plan.json"), PlanCodec.toJson(spec));
            for (String file : spec.files()) {
                Path target = jobDir.resolve("files").resolve(file);
                Files.createDirectories(target.getParent());
                Files.copy(base.resolve(file), target, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the job for its containers in " + jobDir + ": "
                    + e.getMessage(), e);
        }
        // No DNS server for container names: Batch's nodes have none either (they find each other by address).
        podman.run("network", "create", "--disable-dns", "--label", "dev.mpi-batch.run=" + jobId, network);
        gateway = podman.run("network", "inspect", "--format",
                "{{range .Subnets}}{{.Gateway}} {{end}}", network).strip().split(" ")[0];
    }

    List<Host> hosts() {
        return hosts;
    }

    String network() {
        return network;
    }

    /** The rendezvous as this machine sees it (the containers see the same directory at another path). */
    String rendezvous() {
        return options.rendezvous().orElse(rendezvousDir.toString());
    }

    @Override
    public Process start(Host host, Runnable beforeOutputLine) {
        String name = containerName(host);
        List<String> command = runCommand(host);
        Map<String, String> env = environment(host);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        synchronized (this) {
            containers.add(name);
        }
        try {
            Process process = builder.start();
            pumps.add(NodeOutput.pump(process.getInputStream(), options.out(), host.index(), beforeOutputLine));
            pumps.add(NodeOutput.pump(process.getErrorStream(), options.err(), host.index(), beforeOutputLine));
            if (host.index() == 0) {
                try {
                    mainAddress = awaitAddress(name, process);
                } catch (RuntimeException e) {
                    process.destroy();
                    throw e;
                }
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the container of node " + host.index() + ": "
                    + e.getMessage(), e);
        }
    }

    private String containerName(Host host) {
        return network + "-" + host.index();
    }

    /** {@code podman run ...} for {@code host}; the values of its environment are given to podman's own. */
    List<String> runCommand(Host host) {
        String name = containerName(host);
        List<String> command = podman.command("run", "--rm", "--name", name, "--network", network,
                "--hostname", host.hostname(), "--shm-size", image.shmMiB() + "m", "--label", "dev.mpi-batch.run=" + jobId,
                "--volume", jobDir + ":" + JOB_DIR + ":ro");
        if (options.rendezvous().isEmpty()) {
            command.addAll(List.of("--volume", rendezvousDir + ":" + RENDEZVOUS_DIR));
        }
        DOCKER_CAPABILITIES.forEach(cap -> command.addAll(List.of("--cap-add", cap)));
        // Names only: podman takes the values from its own environment, so no secret shows in a process list.
        environment(host).keySet().forEach(variable -> command.addAll(List.of("--env", variable)));
        command.add(image.name());
        return command;
    }

    /** The environment AWS Batch gives node {@code host}, plus what mpi-batch's launcher sets. */
    Map<String, String> environment(Host host) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(AgentEnv.JOB_ID, jobId + "#" + host.index());
        env.put(AgentEnv.NODE_INDEX, Integer.toString(host.index()));
        env.put(AgentEnv.NUM_NODES, Integer.toString(hosts.size()));
        env.put(AgentEnv.MAIN_NODE_INDEX, "0");
        if (host.index() != 0) {
            env.put(AgentEnv.MAIN_NODE_ADDRESS, mainAddress);
        }
        env.put(AgentEnv.JOB_ATTEMPT, "1");
        env.put("AWS_BATCH_CE_NAME", "local");
        env.put("AWS_BATCH_JQ_NAME", "local");
        env.put(AgentEnv.PLAN, JOB_DIR + "/plan.json");
        if (hasFiles) {
            env.put(AgentEnv.FILES, JOB_DIR + "/files");
        }
        env.put(AgentEnv.RENDEZVOUS, options.rendezvous().orElse(RENDEZVOUS_DIR));
        options.endpointUrl().ifPresent(url -> env.put(AgentEnv.S3_ENDPOINT, endpointSeenFromContainers(url)));
        if (options.rendezvous().isPresent()) {
            AWS_PASSED.forEach(name -> {
                String value = options.environment().get(name);
                if (value != null) {
                    env.put(name, value);
                }
            });
        }
        env.put(AgentEnv.SSH_PORT, Integer.toString(host.sshPort()));
        options.slotsPerNode().ifPresent(s -> env.put(AgentEnv.SLOTS, Integer.toString(s)));
        options.formationTimeout().ifPresent(t -> env.put(AgentEnv.FORMATION_TIMEOUT, t.toMillis() + "ms"));
        if (options.keep()) {
            env.put(AgentEnv.KEEP_RENDEZVOUS, "true");
        }
        String jvmOptions = options.environment().get("MPI_BATCH_AGENT_JVM_OPTS");
        if (jvmOptions != null && !jvmOptions.isBlank()) {
            env.put("MPI_BATCH_AGENT_JVM_OPTS", jvmOptions);
        }
        return env;
    }

    /** A container reaches a server on this machine through its network's gateway, not through loopback. */
    String endpointSeenFromContainers(String url) {
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (gateway != null && host != null && (host.equals("localhost") || host.startsWith("127."))) {
            return url.replaceFirst("//" + java.util.regex.Pattern.quote(host), "//" + gateway);
        }
        return url;
    }

    /** The main container's address on the run's network, once podman gave it one (as Batch does, before children start). */
    private String awaitAddress(String name, Process process) {
        long deadline = System.currentTimeMillis() + ADDRESS_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try {
                String address = podman.run("inspect", "--format",
                        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name).strip();
                if (!address.isEmpty()) {
                    return address;
                }
            } catch (dev.mpibatch.process.CommandFailedException e) {
                // not created yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the main node's container (" + image.name() + ") ended before it had an "
                        + "address (exit " + process.exitValue() + "); its output is above");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the main node's container", e);
            }
        }
        throw new IllegalStateException("the main node's container " + name + " had no address on network "
                + network + " after " + ADDRESS_WAIT_MILLIS / 1000 + " s: see 'podman logs " + name + "'");
    }

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

    /** Removes every container of the run (running or not) and its network; whatever is already gone is skipped. */
    private void removeAll() {
        List<String> names;
        synchronized (this) {
            names = List.copyOf(containers);
        }
        if (!names.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "0"));
            args.addAll(names);
            podman.runQuietly(args.toArray(String[]::new));
        }
        podman.runQuietly("network", "rm", "--force", network);
    }
}
