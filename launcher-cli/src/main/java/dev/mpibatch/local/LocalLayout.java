package dev.mpibatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mpibatch.plan.JobSpec;

/**
 * Where a local run keeps its files. In namespace mode every host's private directory is mounted at one common
 * path ({@code node/}), so the agent's state and working directories have the same path on every host, as on real
 * machines. The root lives under {@code /run/mpi-batch}, whose parents only root can write: sshd's StrictModes
 * refuses key files below the world-writable {@code /tmp}.
 */
final class LocalLayout {
    private final Path root;
    private final boolean namespaces;

    private LocalLayout(Path root, boolean namespaces) {
        this.root = root;
        this.namespaces = namespaces;
    }

    static LocalLayout create(String id, boolean namespaces, Map<String, String> env) {
        Path base = base(namespaces, env);
        Path root = base.resolve("local-" + id);
        try {
            Files.createDirectories(base);
            Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectories(root.resolve("node"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root + ": " + e.getMessage(), e);
        }
        return new LocalLayout(root, namespaces);
    }

    /** A layout at {@code root} that creates nothing (tests of what is derived from it). */
    static LocalLayout forTest(Path root, boolean namespaces) {
        return new LocalLayout(root, namespaces);
    }

    /** Where the runs of a mode keep their directories: one per run, {@code local-<id>}. */
    static Path base(boolean namespaces, Map<String, String> env) {
        return namespaces ? Path.of("/run/mpi-batch") : userBase(env);
    }

    private static Path userBase(Map<String, String> env) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "mpi-batch");
        }
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".cache", "mpi-batch");
    }

    Path root() {
        return root;
    }

    /** The working directory path as every agent sees it. */
    Path workDir() {
        return namespaces ? root.resolve("node/work") : root.resolve("work");
    }

    /** The state directory path as host {@code index}'s agent sees it. */
    Path stateDir(int index) {
        return namespaces ? root.resolve("node/state") : hostDir(index).resolve("state");
    }

    Path mountPoint() {
        return root.resolve("node");
    }

    Path hostDir(int index) {
        return root.resolve("hosts").resolve(Integer.toString(index));
    }

    /** Makes the hosts: their directories and, in namespace mode, their network. */
    List<Host> hosts(JobSpec spec, boolean namespaces, LocalClusterOptions options, ClusterResources resources) {
        List<Host> hosts = new ArrayList<>();
        NetworkNamespaces network = null;
        Subnet subnet = null;
        if (namespaces) {
            // Loopback hosts have no subnet (the option stays "auto"); namespace hosts have the one claimed for them.
            subnet = Subnet.parse(options.subnet());
            network = new NetworkNamespaces(root.getFileName().toString().substring("local-".length()), subnet,
                    options.linkRate());
            resources.network(network);
            network.createBridge();
        }
        directory(workDir());
        for (int i = 0; i < spec.nodes(); i++) {
            Path hostDir = hostDir(i);
            directory(hostDir);
            directory(hostDir.resolve("state"));
            directory(hostDir.resolve("work"));
            if (namespaces) {
                String ns = network.createHost(i);
                hosts.add(new Host(i, hostname(spec.name(), i), subnet.hostAddress(i), DEFAULT_PORT, Optional.of(ns), hostDir));
            } else {
                hosts.add(new Host(i, "localhost", "127.0.0." + (2 + i), freePort(), Optional.empty(), hostDir));
            }
        }
        return hosts;
    }

    static final int DEFAULT_PORT = 2222;

    /** A hostname per host: Open MPI's shared-memory transport must not take two hosts for one. */
    static String hostname(String jobName, int index) {
        String base = jobName.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        String suffix = "-" + index;
        if (base.length() + suffix.length() > 63) {
            base = base.substring(0, 63 - suffix.length());
        }
        return base + suffix;
    }

    private static void directory(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port: " + e.getMessage(), e);
        }
    }
}
