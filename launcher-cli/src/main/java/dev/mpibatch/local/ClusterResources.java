package dev.mpibatch.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything a local run made, removed once by {@link #close()}, whether the run succeeded, failed or was
 * interrupted: agent processes and their children (sshd, mpirun), namespaces, the bridge, the files.
 */
final class ClusterResources implements AutoCloseable {
    private final LocalLayout layout;
    private final boolean keep;
    private final java.io.PrintStream err;
    private final List<Process> processes = new ArrayList<>();
    private final List<Runnable> actions = new ArrayList<>();
    private NetworkNamespaces network;
    private boolean closed;

    ClusterResources(LocalLayout layout, boolean keep, java.io.PrintStream err) {
        this.layout = layout;
        this.keep = keep;
        this.err = err;
    }

    synchronized void add(Process process) {
        processes.add(process);
    }

    synchronized void network(NetworkNamespaces namespaces) {
        this.network = namespaces;
    }

    synchronized void onClose(Runnable action) {
        actions.add(action);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
        killRecordedSshd();
        if (network != null) {
            network.destroy();
        }
        for (Runnable action : actions) {
            action.run();
        }
        if (keep) {
            // Over, but the directory stays: clean-up and later runs leave it to the user.
            String id = layout.root().getFileName().toString().substring("local-".length());
            RunOwner.markEnded(id, layout.root());
            err.println("mpi-batch local: kept " + layout.root());
        } else {
            deleteTree(layout.root());
        }
    }

    /** An agent killed hard leaves its sshd behind; each agent records sshd's pid in its state directory. */
    private void killRecordedSshd() {
        Path hosts = layout.root().resolve("hosts");
        if (!Files.isDirectory(hosts)) {
            return;
        }
        try (Stream<Path> pidFiles = Files.walk(hosts, 3)) {
            pidFiles.filter(p -> p.getFileName().toString().equals("sshd.pid")).forEach(pidFile -> {
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).strip());
                    ProcessHandle.of(pid).filter(h -> h.info().command().map(c -> c.endsWith("sshd")).orElse(false))
                            .ifPresent(ProcessHandle::destroyForcibly);
                } catch (IOException | NumberFormatException e) {
                    // sshd already stopped and removed its pid file
                }
            });
        } catch (IOException e) {
            // nothing to kill
        }
    }

    private void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            err.println("mpi-batch local: could not remove " + root + ": " + e.getMessage());
        }
    }
}
