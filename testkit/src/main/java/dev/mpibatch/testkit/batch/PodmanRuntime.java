package dev.mpibatch.testkit.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Runs each node as a podman container on the emulator's network, as ECS runs a Batch node: the definition's image
 * (never pulled: no registry is reached), its command, Docker's default capabilities, {@code /dev/shm} of
 * {@code linuxParameters.sharedMemorySize} MiB or Docker's 64 MiB, its devices, user, privileged and read-only
 * settings, and only the environment the job gives plus the credentials URI of its job role. The output goes to
 * CloudWatch Logs ({@link LogShipper}). Not applied: resource limits (no cgroups on a sandboxed machine), ulimits,
 * volumes and mount points, tmpfs.
 */
final class PodmanRuntime implements NodeRuntime, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PodmanRuntime.class);
    /** Docker's default capabilities beyond podman's smaller set (ECS runs containers with Docker's). */
    private static final List<String> DOCKER_CAPABILITIES = List.of("AUDIT_WRITE", "MKNOD", "NET_RAW");
    /** Docker's /dev/shm when the definition sets no sharedMemorySize. */
    static final int DEFAULT_SHM_MIB = 64;
    private static final long ADDRESS_WAIT_MILLIS = 60_000;

    private final String podman;
    private final String network;
    private final String label;
    private final Duration stopTimeout;
    private final CloudWatchLogsClient logs;
    private final CredentialsEndpoint credentials;
    private final String taskPrefix;
    /** The streams of running containers, flushed every second (Docker's awslogs driver sends every 5 s). */
    private final java.util.Set<LogShipper> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ScheduledExecutorService flusher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "log-flusher");
                thread.setDaemon(true);
                return thread;
            });

    /**
     * @param label       put on every container ({@code dev.mpi-batch.emulator=<label>}) so that close finds them
     * @param taskPrefix  {@code arn:aws:ecs:<region>:<account>:task/<cluster>/}
     */
    PodmanRuntime(String podman, String network, String label, Duration stopTimeout, CloudWatchLogsClient logs,
                  CredentialsEndpoint credentials, String taskPrefix) {
        this.podman = podman;
        this.network = network;
        this.label = label;
        this.stopTimeout = stopTimeout;
        this.logs = logs;
        this.credentials = credentials;
        this.taskPrefix = taskPrefix;
        flusher.scheduleWithFixedDelay(this::flushOpen, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void flushOpen() {
        for (LogShipper shipper : open) {
            try {
                shipper.flush();
            } catch (RuntimeException e) {
                LOG.warn("cannot ship log lines of stream {}: {}", shipper.stream(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }

    /** The container name of a node's attempt: {@code <label>-<job id's first 8>-<index>-<attempt>}. */
    String containerName(String jobId, int index, int attempt) {
        return label + "-" + jobId.substring(0, Math.min(8, jobId.length())) + "-" + index + "-" + attempt;
    }

    @Override
    public RunningNode start(NodeLaunch launch) {
        JsonNode container = launch.container();
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        String taskId = HexFormat.of().formatHex(id);
        String name = containerName(launch.parentId(), launch.index(), launch.attempt());
        Optional<LogShipper> shipper = LogShipper.destination(container, launch.definitionName(), taskId)
                .map(where -> LogShipper.open(logs, container, where[0], where[1]));
        shipper.ifPresent(open::add);
        Map<String, String> env = new LinkedHashMap<>(launch.environment());
        String credentialsUri = null;
        if (container.hasNonNull("jobRoleArn")) {
            credentialsUri = credentials.register(container.path("jobRoleArn").asText());
            env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", credentialsUri);
        }
        try {
            Exec.run(createCommand(name, container, env.keySet()), env);
        } catch (IllegalStateException e) {
            shipper.ifPresent(open::remove);
            String why = e.getMessage();
            throw new NodeStartException((why.contains("image not known") || why.contains("no such image")
                    ? "CannotPullContainerError: " : "CannotStartContainerError: ") + why);
        }
        try {
            Process process = new ProcessBuilder(podman, "start", "--attach", name)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            List<Thread> pumps = List.of(pump(process.getInputStream(), shipper, name),
                    pump(process.getErrorStream(), shipper, name));
            String address = awaitAddress(name, process);
            pinBridgeAddress();
            return new PodmanNode(name, address, taskPrefix + taskId, shipper, process, pumps, credentialsUri);
        } catch (IOException | RuntimeException e) {
            shipper.ifPresent(open::remove);
            Exec.quietly(List.of(podman, "rm", "--force", "--time", "0", name));
            throw new NodeStartException("CannotStartContainerError: " + e.getMessage());
        }
    }

    /** {@code podman create ...}: environment values come from podman's own environment, never the command line. */
    List<String> createCommand(String name, JsonNode container, Iterable<String> envNames) {
        List<String> command = new ArrayList<>(List.of(podman, "create", "--pull", "never", "--name", name,
                "--network", network, "--label", "dev.mpi-batch.emulator=" + label,
                "--shm-size", container.path("linuxParameters").path("sharedMemorySize").asInt(DEFAULT_SHM_MIB) + "m",
                // podman adds these two; Docker (what ECS runs) does not
                "--unsetenv", "container", "--unsetenv", "TERM"));
        DOCKER_CAPABILITIES.forEach(cap -> command.addAll(List.of("--cap-add", cap)));
        for (JsonNode device : container.path("linuxParameters").path("devices")) {
            command.addAll(List.of("--device", device.path("hostPath").asText() + ":"
                    + device.path("containerPath").asText(device.path("hostPath").asText())));
        }
        if (container.hasNonNull("user")) {
            command.addAll(List.of("--user", container.path("user").asText()));
        }
        if (container.path("privileged").asBoolean()) {
            command.add("--privileged");
        }
        if (container.path("readonlyRootFilesystem").asBoolean()) {
            command.add("--read-only");
        }
        envNames.forEach(n -> command.addAll(List.of("--env", n)));
        command.add(container.path("image").asText());
        container.path("command").forEach(word -> command.add(word.asText()));
        return command;
    }

    private Thread pump(InputStream stream, Optional<LogShipper> shipper, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    LOG.debug("[{}] {}", name, line);
                    String l = line;
                    shipper.ifPresent(s -> s.line(l, System.currentTimeMillis()));
                }
            } catch (IOException e) {
                // the container is gone: its output ends here
            }
        }, "log-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Fixes the MAC address of the network's bridge (netavark makes it when the network's first container starts).
     * A Linux bridge otherwise takes the lowest MAC of its ports, so when a node's container ends and its veth leaves,
     * the gateway's MAC changes under the other containers, whose ARP caches keep the old one: their packets to this
     * machine (S3 and Batch through the emulator) are lost for about 30 s, until the entry is found stale. Batch's
     * nodes have nothing of the kind; an address set explicitly stays.
     */
    private void pinBridgeAddress() {
        try {
            String bridge = Exec.run(List.of(podman, "network", "inspect", "--format", "{{.NetworkInterface}}",
                    network)).strip();
            java.nio.file.Path sys = java.nio.file.Path.of("/sys/class/net", bridge);
            // addr_assign_type 3: NET_ADDR_SET, an address set by hand, which the bridge keeps
            if (!bridge.isEmpty() && !"3".equals(java.nio.file.Files.readString(sys.resolve("addr_assign_type")).strip())) {
                String mac = java.nio.file.Files.readString(sys.resolve("address")).strip();
                Exec.run(List.of("ip", "link", "set", "dev", bridge, "address", mac));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot fix the MAC address of network {}'s bridge: {}", network, e.toString());
        }
    }

    /** The container's address once podman gave it one (the main node's is what the children are told). */
    private String awaitAddress(String name, Process process) {
        long deadline = System.currentTimeMillis() + ADDRESS_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            try {
                String address = Exec.run(List.of(podman, "inspect", "--format",
                        "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)).strip();
                if (!address.isEmpty()) {
                    return address;
                }
            } catch (IllegalStateException e) {
                // not there yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("container " + name + " ended before it had an address");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the address of " + name, e);
            }
        }
        throw new IllegalStateException("container " + name + " had no address after " + ADDRESS_WAIT_MILLIS / 1000 + " s");
    }

    /** A node's running container. */
    private final class PodmanNode implements RunningNode {
        private final String name;
        private final String address;
        private final String taskArn;
        private final Optional<LogShipper> shipper;
        private final Process process;
        private final List<Thread> pumps;
        private final String credentialsUri;
        private Integer exitCode;

        PodmanNode(String name, String address, String taskArn, Optional<LogShipper> shipper, Process process,
                   List<Thread> pumps, String credentialsUri) {
            this.name = name;
            this.address = address;
            this.taskArn = taskArn;
            this.shipper = shipper;
            this.process = process;
            this.pumps = pumps;
            this.credentialsUri = credentialsUri;
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public String taskArn() {
            return taskArn;
        }

        @Override
        public Optional<String> logStreamName() {
            return shipper.map(LogShipper::stream);
        }

        /** The exit code once the container ended and its last line is in CloudWatch Logs; then it is removed. */
        @Override
        public synchronized int awaitExit() throws InterruptedException {
            if (exitCode != null) {
                return exitCode;
            }
            int attached = process.waitFor();
            for (Thread pump : pumps) {
                pump.join();
            }
            shipper.ifPresent(s -> {
                open.remove(s);
                s.flush();
            });
            try {
                exitCode = Integer.parseInt(Exec.run(List.of(podman, "inspect", "--format", "{{.State.ExitCode}}",
                        name)).strip());
            } catch (RuntimeException e) {
                exitCode = attached;
            }
            Exec.quietly(List.of(podman, "rm", "--force", "--time", "0", name));
            if (credentialsUri != null) {
                credentials.unregister(credentialsUri);
            }
            return exitCode;
        }

        /** {@code podman stop}: SIGTERM, SIGKILL after the stop timeout (ECS's is 30 s); in the background. */
        @Override
        public void stop() {
            Thread thread = new Thread(() -> Exec.quietly(List.of(podman, "stop", "--time",
                    Long.toString(stopTimeout.toSeconds()), name)), "stop-" + name);
            thread.setDaemon(true);
            thread.start();
        }
    }
}
