package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.SFTPClient;
import net.schmizz.sshj.userauth.keyprovider.KeyProvider;
import net.schmizz.sshj.xfer.FileSystemFile;

/**
 * Copies files from the main node to the same path on every other node, in parallel, over SFTP with host keys
 * checked against the roster, and checks every copy's SHA-256 on the receiving node.
 */
public final class Broadcaster {
    private static final Logger LOG = LoggerFactory.getLogger(Broadcaster.class);
    private static final int MAX_PARALLEL = 32;

    private final Roster roster;
    private final int selfIndex;
    private final SshKeyPair userKey;
    private final String user;
    private final UnaryOperator<Path> remotePath;

    /** Copies to the same path on the other nodes. */
    public Broadcaster(Roster roster, int selfIndex, SshKeyPair userKey, String user) {
        this(roster, selfIndex, userKey, user, UnaryOperator.identity());
    }

    /** Copies to {@code remotePath.apply(local)} on the other nodes (tests on one machine need another path). */
    public Broadcaster(Roster roster, int selfIndex, SshKeyPair userKey, String user, UnaryOperator<Path> remotePath) {
        this.roster = roster;
        this.selfIndex = selfIndex;
        this.userKey = userKey;
        this.user = user;
        this.remotePath = remotePath;
    }

    /**
     * Sends {@code files} (absolute paths) to every other node.
     *
     * @throws IllegalStateException naming every node that failed and why
     */
    public void send(List<Path> files) {
        List<NodeRecord> targets = roster.nodes().stream().filter(n -> n.index() != selfIndex).toList();
        if (targets.isEmpty()) {
            return;
        }
        List<String> digests = new ArrayList<>();
        for (Path file : files) {
            digests.add(sha256(file));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(targets.size(), MAX_PARALLEL), r -> {
            Thread thread = new Thread(r, "broadcast");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> results = new ArrayList<>();
            for (NodeRecord target : targets) {
                results.add(pool.submit(() -> {
                    sendTo(target, files, digests);
                    return null;
                }));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                try {
                    results.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(targets.get(i).index() + " (" + e.getCause().getMessage() + ")");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during broadcast", e);
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("broadcast of " + names(files) + " failed on "
                        + (failures.size() == 1 ? "node " : "nodes ") + String.join(", ", failures));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void sendTo(NodeRecord target, List<Path> files, List<String> digests) throws IOException {
        long start = System.nanoTime();
        long bytes = 0;
        try (SSHClient ssh = new SSHClient()) {
            ssh.addHostKeyVerifier(new RosterHostKeyVerifier(target));
            ssh.setConnectTimeout(10_000);
            ssh.setTimeout(120_000);
            ssh.connect(target.address(), target.sshPort());
            KeyProvider key = ssh.loadKeys(userKey.privateKey().toString());
            ssh.authPublickey(user, key);
            for (int i = 0; i < files.size(); i++) {
                Path local = files.get(i);
                Path remote = remotePath.apply(local);
                String temp = remote.getParent().resolve("." + remote.getFileName() + ".mpi-batch-part").toString();
                try (SFTPClient sftp = ssh.newSFTPClient()) {
                    sftp.mkdirs(remote.getParent().toString());
                    sftp.put(new FileSystemFile(local.toFile()), temp);
                }
                String digest = exec(ssh, "chmod " + mode(local) + " " + quote(temp) + " && mv -f -- " + quote(temp) + " " + quote(remote.toString())
                        + " && sha256sum -- " + quote(remote.toString()));
                String remoteDigest = digest.split("\\s+", 2)[0];
                if (!remoteDigest.equals(digests.get(i))) {
                    throw new IOException("checksum of " + remote + " differs after the copy");
                }
                bytes += Files.size(local);
            }
        }
        LOG.info("broadcast {} bytes to node {} ({}) in {} ms", bytes, target.index(), target.address(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private static String exec(SSHClient ssh, String command) throws IOException {
        try (Session session = ssh.startSession()) {
            Session.Command cmd = session.exec(command);
            String out;
            String err;
            try (InputStream stdout = cmd.getInputStream(); InputStream stderr = cmd.getErrorStream()) {
                out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
                err = new String(stderr.readAllBytes(), StandardCharsets.UTF_8);
            }
            cmd.join(60, java.util.concurrent.TimeUnit.SECONDS);
            Integer status = cmd.getExitStatus();
            if (status == null || status != 0) {
                throw new IOException("'" + command + "' failed: " + err.strip());
            }
            return out.strip();
        }
    }

    /** Single-quotes a path for the remote shell: paths come from the plan and may hold any character but NUL. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** The file's permission bits in octal: a broadcast binary must stay executable. */
    static String mode(Path file) throws IOException {
        int mode = 0;
        for (java.nio.file.attribute.PosixFilePermission permission : Files.getPosixFilePermissions(file)) {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + " to broadcast it: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String names(List<Path> files) {
        return String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList());
    }
}
