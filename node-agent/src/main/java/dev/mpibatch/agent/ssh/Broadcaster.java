package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.LogText;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * Copies files from this node to the same path on every other node. This node streams the file over OpenSSH to the
 * first node of each group of a {@link BroadcastPlan}, which stores it while forwarding it to the rest of its group
 * ({@link BroadcastRelay}): small files along a tree (N nodes in about log N rounds of connections), large ones along
 * pipelined chains (each node receives the bytes once and sends them once, about one transfer's time instead of N).
 * Host keys are verified by each hop's ssh ({@code StrictHostKeyChecking yes}); every copy's SHA-256 is checked on its
 * node; a copy appears at its path only complete, verified and with the file's mode.
 */
public final class Broadcaster {
    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

    /**
     * Files up to this size go along a tree, larger ones along chains: a tree's relay sends the file to each of its
     * children over one link, while a chain's relays each start one after the other. Measured here at 200 Mbit/s
     * (docs/benchmarks.md, broadcast crossover).
     */
    public static final long DEFAULT_TREE_MAX_BYTES = 1 << 20;
    /** How long the first broadcast waits for the connections opened when the cluster formed. */
    private static final Duration CONNECTIONS_WAIT = Duration.ofSeconds(30);

    private final Roster roster;
    private final int selfIndex;
    private final Path stateDir;
    private final UnaryOperator<Path> remotePath;
    private final ClusterConnections connections;
    private final long treeMaxBytes;

    /**
     * Copies to the same path on the other nodes.
     *
     * @param stateDir     this node's state directory, where the cluster's ssh_config is, and the same path on every
     *                     node, where {@link BroadcastRelay#install} put the relay
     * @param connections  the connections opened when the cluster formed, or {@code null}
     * @param treeMaxBytes files up to this size go along a tree, larger ones along chains
     */
    public Broadcaster(Roster roster, int selfIndex, Path stateDir, ClusterConnections connections, long treeMaxBytes) {
        this(roster, selfIndex, stateDir, UnaryOperator.identity(), connections, treeMaxBytes);
    }

    /** Copies to {@code remotePath.apply(local)} on the other nodes (tests on one machine need another path). */
    public Broadcaster(Roster roster, int selfIndex, Path stateDir, UnaryOperator<Path> remotePath) {
        this(roster, selfIndex, stateDir, remotePath, null, DEFAULT_TREE_MAX_BYTES);
    }

    Broadcaster(Roster roster, int selfIndex, Path stateDir, UnaryOperator<Path> remotePath,
                ClusterConnections connections, long treeMaxBytes) {
        this.roster = roster;
        this.selfIndex = selfIndex;
        this.stateDir = stateDir;
        this.remotePath = remotePath;
        this.connections = connections;
        this.treeMaxBytes = treeMaxBytes;
    }

    /**
     * Sends {@code files} (absolute paths) to every other node, one file after the other.
     *
     * @throws IllegalStateException naming every node that failed and why, and the nodes the file never reached
     */
    public void send(List<Path> files) {
        List<NodeRecord> targets = roster.nodes().stream().filter(n -> n.index() != selfIndex).toList();
        if (targets.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        // Only the first broadcast can find the connections still opening; the first file's time includes the wait.
        long waited = connections == null ? 0 : connections.awaitReady(CONNECTIONS_WAIT);
        for (Path file : files) {
            send(file, targets, start, waited);
            start = System.nanoTime();
            waited = 0;
        }
    }

    private void send(Path file, List<NodeRecord> targets, long start, long waited) {
        long size = size(file);
        Path target = remotePath.apply(file).toAbsolutePath();
        String mode = mode(file);
        BroadcastPlan plan = size <= treeMaxBytes ? BroadcastPlan.tree(targets) : BroadcastPlan.chains(targets);
        List<CompletableFuture<ChainReport>> running = plan.groups().stream().map(group -> CompletableFuture.supplyAsync(
                () -> run(file, group, BroadcastRelay.command(stateDir, group, target, mode, size, plan.fanout())),
                r -> daemon(r).start())).toList();
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<ChainReport> group : running) {
            ChainReport report;
            try {
                report = group.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (!report.succeeded()) {
                failures.add(report.describe());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("broadcast of " + shown(file) + " failed on "
                    + String.join("; ", failures));
        }
        long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        LOG.info("broadcast {} ({} bytes) to {} nodes {} in {} ms ({} MB/s; waited {} ms for connections), "
                + "every copy verified", shown(file), size, targets.size(), describe(plan), millis,
                size / 1000 / millis, waited);
    }

    private static String describe(BroadcastPlan plan) {
        if (plan.fanout() == 1) {
            return "through " + (plan.groups().size() == 1 ? "a chain" : plan.groups().size() + " chains");
        }
        int rounds = plan.rounds();
        return "along a tree (" + plan.groups().size() + " branches, " + rounds + (rounds == 1 ? " round" : " rounds")
                + ")";
    }

    private static ChainReport run(Path file, List<NodeRecord> group, List<String> command) {
        try {
            Process ssh = BroadcastRelay.noRc(new ProcessBuilder(command)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            Thread sender = daemon(() -> send(file, ssh.getOutputStream()));
            sender.start();
            String stderr;
            try (InputStream err = ssh.getErrorStream()) {
                stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = ssh.waitFor();
            sender.join();
            return ChainReport.parse(group, stderr, exit);
        } catch (IOException e) {
            throw new IllegalStateException("broadcast of " + shown(file) + ": cannot run ssh: " + e.getMessage()
                    + " (install OpenSSH's client)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the broadcast of " + shown(file), e);
        }
    }

    /**
     * Streams the file, then its SHA-256 in hex, hashing while sending: no second read of the file before the first
     * byte leaves. A chain that stops reading shows in its report, so a broken pipe here is not an error of its own.
     */
    private static void send(Path file, OutputStream out) {
        try (InputStream in = Files.newInputStream(file); OutputStream stream = out) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                stream.write(buffer, 0, n);
            }
            stream.write(HexFormat.of().formatHex(digest.digest()).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.debug("sending {} stopped: {}", file, e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "broadcast-chain");
        thread.setDaemon(true);
        return thread;
    }

    /** The file's permission bits in octal: a broadcast binary must stay executable. */
    static String mode(Path file) {
        try {
            int mode = 0;
            for (PosixFilePermission permission : Files.getPosixFilePermissions(file)) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return String.format("%04o", mode);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the mode of " + LogText.escape(file.toString()) + " to broadcast it: " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + LogText.escape(file.toString()) + " to broadcast it: " + e.getMessage(), e);
        }
    }

    /** The file's name for a message or log line, control characters escaped: a name must not forge a log line. */
    private static String shown(Path file) {
        return LogText.escape(String.valueOf(file.getFileName()));
    }
}
