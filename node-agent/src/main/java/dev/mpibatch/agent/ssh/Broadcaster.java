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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.LogText;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * Copies files from this node to the same path on every other node through a pipelined chain: this node streams the
 * file over OpenSSH to the first node, which stores it while forwarding it to the second, and so on
 * ({@link BroadcastRelay}). Every node receives the bytes once and sends them once, so a broadcast takes about one
 * transfer's time instead of N. Host keys are verified by each hop's ssh ({@code StrictHostKeyChecking yes}); every
 * copy's SHA-256 is checked on its node; a copy appears at its path only complete, verified and with the file's mode.
 */
public final class Broadcaster {
    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);

    /** Nodes per chain: at 1000 nodes, 16 chains of about 63 (see {@link #chains}). */
    static final int MAX_CHAIN = 64;
    /** Connections opened at once ahead of a broadcast: enough for a chain, few enough for this node's CPUs. */
    private static final int MAX_WARM_UP = 32;
    private static final int WARM_UP_SECONDS = 20;

    private final Roster roster;
    private final int selfIndex;
    private final Path stateDir;
    private final UnaryOperator<Path> remotePath;

    /**
     * Copies to the same path on the other nodes.
     *
     * @param stateDir this node's state directory, where the cluster's ssh_config is, and the same path on every
     *                 node, where {@link BroadcastRelay#install} put the relay
     */
    public Broadcaster(Roster roster, int selfIndex, Path stateDir) {
        this(roster, selfIndex, stateDir, UnaryOperator.identity());
    }

    /** Copies to {@code remotePath.apply(local)} on the other nodes (tests on one machine need another path). */
    public Broadcaster(Roster roster, int selfIndex, Path stateDir, UnaryOperator<Path> remotePath) {
        this.roster = roster;
        this.selfIndex = selfIndex;
        this.stateDir = stateDir;
        this.remotePath = remotePath;
    }

    /**
     * Sends {@code files} (absolute paths) to every other node, one file after the other.
     *
     * @throws IllegalStateException naming every node that failed and why, and the nodes the file never reached
     */
    public void send(List<Path> files) {
        List<NodeRecord> chain = roster.nodes().stream().filter(n -> n.index() != selfIndex).toList();
        if (chain.isEmpty()) {
            return;
        }
        // One warm-up for every file: the connections it opens outlive it (ControlPersist), and files follow at once.
        long start = System.nanoTime();
        List<List<NodeRecord>> chains = chains(chain, MAX_CHAIN);
        warmUp(chains);
        long connected = (System.nanoTime() - start) / 1_000_000;
        for (Path file : files) {
            // The first file's time includes the warm-up it waited for, as its log line says.
            send(file, chain, chains, start, connected);
            start = System.nanoTime();
            connected = 0;
        }
    }

    private void send(Path file, List<NodeRecord> targets, List<List<NodeRecord>> chains, long start, long connected) {
        long size = size(file);
        Path target = remotePath.apply(file).toAbsolutePath();
        String mode = mode(file);
        List<CompletableFuture<ChainReport>> running = chains.stream().map(chain -> CompletableFuture.supplyAsync(
                () -> run(file, chain, BroadcastRelay.command(stateDir, chain, target, mode, size)),
                r -> daemon(r).start())).toList();
        List<String> failures = new ArrayList<>();
        for (CompletableFuture<ChainReport> chain : running) {
            ChainReport report;
            try {
                report = chain.join();
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
        LOG.info("broadcast {} ({} bytes) to {} nodes through {} in {} ms ({} MB/s; hops connected in {} ms), "
                + "every copy verified", shown(file), size, targets.size(),
                chains.size() == 1 ? "a chain" : chains.size() + " chains", millis, size / 1000 / millis, connected);
    }

    /**
     * Opens every hop's connection at once, ahead of the stream, so that a chain's set-up takes about two ssh
     * connections instead of one per node. Best effort: a hop whose connection is not there makes its own, and a
     * hop that cannot connect at all is reported by the chain itself.
     */
    private void warmUp(List<List<NodeRecord>> chains) {
        List<List<String>> commands = new ArrayList<>();
        for (List<NodeRecord> chain : chains) {
            commands.add(BroadcastRelay.warmUp(stateDir, Optional.empty(), chain.get(0)));
            for (int i = 1; i < chain.size(); i++) {
                commands.add(BroadcastRelay.warmUp(stateDir, Optional.of(chain.get(i - 1)), chain.get(i)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(commands.size(), MAX_WARM_UP), Broadcaster::daemon);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (List<String> command : commands) {
                done.add(pool.submit(() -> openAhead(command)));
            }
            for (Future<?> one : done) {
                one.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting the broadcast chain", e);
        } catch (ExecutionException e) {
            LOG.debug("warm-up failed: {}", e.getCause().getMessage());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void openAhead(List<String> command) {
        try {
            Process ssh = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!ssh.waitFor(WARM_UP_SECONDS, TimeUnit.SECONDS)) {
                ssh.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.debug("cannot open a connection ahead of the broadcast: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Splits the targets into chains of at most {@code maxLength} nodes. One chain is the fastest for large files
     * (every node sends the bytes once), but its connections are made one hop after the other; past
     * {@code maxLength} nodes the set-up of a single chain would outweigh sending the file a few more times from here.
     */
    static List<List<NodeRecord>> chains(List<NodeRecord> targets, int maxLength) {
        int count = (targets.size() + maxLength - 1) / maxLength;
        List<List<NodeRecord>> chains = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = targets.size() * i / count;
            int to = targets.size() * (i + 1) / count;
            chains.add(List.copyOf(targets.subList(from, to)));
        }
        return chains;
    }

    private static ChainReport run(Path file, List<NodeRecord> chain, List<String> command) {
        try {
            Process ssh = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Thread sender = daemon(() -> send(file, ssh.getOutputStream()));
            sender.start();
            String stderr;
            try (InputStream err = ssh.getErrorStream()) {
                stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
            }
            int exit = ssh.waitFor();
            sender.join();
            return ChainReport.parse(chain, stderr, exit);
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
