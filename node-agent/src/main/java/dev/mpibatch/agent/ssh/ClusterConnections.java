package dev.mpibatch.agent.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * The main node's ssh connections to the other nodes, opened all at once as soon as the cluster has formed, while the
 * first step runs, and kept until the job ends: OpenSSH master connections whose sockets lie in the agent's private
 * state directory (0700), where the cluster's ssh_config points every ssh ({@code ControlPath}), so broadcasts,
 * {@code sh} steps and mpirun's daemons start sessions over them without a handshake. Host certificates are checked
 * exactly as for any other connection (the masters use the same ssh_config, StrictHostKeyChecking on). Then, through
 * them, each worker opens its connection to the next node of the broadcast chains, so that a large file's relays find
 * their hops connected too.
 *
 * <p>Best effort: a node whose connection could not be opened is reached with a connection of its own, as before.
 */
public final class ClusterConnections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnections.class);
    /** Handshakes at once: the main node's CPUs are the first rank's too. */
    private static final int PARALLEL = 16;
    private static final Duration CONNECT_WAIT = Duration.ofSeconds(20);

    private final Path stateDir;
    private final List<Process> masters = new ArrayList<>();
    private final CompletableFuture<Void> ready;
    private final ExecutorService pool;
    private volatile boolean closed;

    private ClusterConnections(Path stateDir, List<NodeRecord> targets) {
        this.stateDir = stateDir;
        this.pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, targets.size())), r -> {
            Thread thread = new Thread(r, "cluster-connections");
            thread.setDaemon(true);
            return thread;
        });
        this.ready = targets.isEmpty() || !SshClientConfig.multiplexes(stateDir)
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> connect(targets), r -> {
                    Thread thread = new Thread(r, "cluster-connections-open");
                    thread.setDaemon(true);
                    thread.start();
                });
    }

    /** Starts connecting to the nodes of {@code roster} other than {@code selfIndex}; returns at once. */
    public static ClusterConnections open(Roster roster, int selfIndex, Path stateDir) {
        return new ClusterConnections(stateDir, roster.nodes().stream().filter(n -> n.index() != selfIndex).toList());
    }

    private void connect(List<NodeRecord> targets) {
        long start = System.nanoTime();
        List<CompletableFuture<Boolean>> opened = BroadcastPlan.firstHops(targets).stream()
                .map(node -> CompletableFuture.supplyAsync(() -> master(node), pool)).toList();
        long up = opened.stream().filter(CompletableFuture::join).count();
        long connected = (System.nanoTime() - start) / 1_000_000;
        List<CompletableFuture<Void>> hops = BroadcastPlan.chainHops(targets).stream()
                .map(hop -> CompletableFuture.runAsync(() -> run(BroadcastRelay.warmUp(stateDir, hop[0], hop[1])), pool))
                .toList();
        hops.forEach(CompletableFuture::join);
        LOG.info("ssh connections to {} of {} nodes open in {} ms, {} chain hops in {} ms: broadcasts, sh steps and "
                        + "mpirun start sessions over them", up, opened.size(), connected, hops.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Opens and keeps a master connection to {@code node}; true once its socket is there. */
    private boolean master(NodeRecord node) {
        Path socket = SshClientConfig.controlSocket(stateDir, node.address(), node.sshPort());
        try {
            Process ssh;
            synchronized (masters) {
                if (closed) {
                    return false;
                }
                ssh = new ProcessBuilder("ssh", "-F", ClusterFiles.in(stateDir).sshConfig().toString(), "-M", "-N",
                        // SendEnv: a shared connection passes on only what its master may send (BroadcastRelay.NO_RC).
                        "-o", "ControlPersist=no", "-o", BroadcastRelay.NO_RC, "-c", BroadcastRelay.CIPHER,
                        "-p", Integer.toString(node.sshPort()),
                        "-x", node.address())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                masters.add(ssh);
            }
            long deadline = System.nanoTime() + CONNECT_WAIT.toNanos();
            while (!Files.exists(socket)) {
                if (!ssh.isAlive() || System.nanoTime() > deadline) {
                    LOG.debug("no shared connection to node {} ({}): its sessions connect on their own", node.index(),
                            node.address());
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        } catch (IOException e) {
            LOG.debug("cannot start ssh to node {}: {}", node.index(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits, at most {@code max}, until the connections are open; a broadcast then connects nothing itself.
     *
     * @return how long it waited, in milliseconds
     */
    public long awaitReady(Duration max) {
        long start = System.nanoTime();
        try {
            ready.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.debug("connections still opening after {}: going on without the rest", max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.debug("opening connections failed: {}", e.getCause().getMessage());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Ends the master connections (the workers end theirs as they exit, {@link #closeRelayConnections}). */
    @Override
    public void close() {
        synchronized (masters) {
            closed = true;
            masters.forEach(Process::destroy);
        }
        pool.shutdownNow();
        for (Process master : masters) {
            try {
                if (!master.waitFor(2, TimeUnit.SECONDS)) {
                    master.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Ends the connections the relays on this node keep open ({@code ControlPersist}), so that no ssh outlives the
     * agent: {@code ssh -O exit} on every control socket in the state directory.
     */
    public static void closeRelayConnections(Path stateDir) {
        try (Stream<Path> files = Files.list(stateDir)) {
            files.filter(f -> f.getFileName().toString().startsWith(".bcm-"))
                    .forEach(socket -> run(List.of("ssh", "-F", "/dev/null", "-o", "ControlPath=" + socket, "-O",
                            "exit", "mpi-batch-relay")));
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", stateDir, e.getMessage());
        }
    }

    private static void run(List<String> command) {
        try {
            Process ssh = BroadcastRelay.noRc(new ProcessBuilder(command)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!ssh.waitFor(CONNECT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                ssh.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.debug("cannot run ssh: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
