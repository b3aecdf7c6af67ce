package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import dev.mpibatch.agent.rendezvous.NodeRecord;

/**
 * The relay script every node keeps in its state directory: it stores a broadcast stream as a file while forwarding
 * it to the next node of a chain (see the script's header), so that no JVM starts per hop.
 */
public final class BroadcastRelay {
    static final String FILE_NAME = "broadcast-relay";
    /** The cipher every hop uses: the cheapest where the CPU has AES-NI, and the node's CPUs belong to MPI. */
    static final String CIPHER = "aes128-gcm@openssh.com";
    /** Socket paths hold 108 bytes: {@code <dir>/.bcm-}, a 40-digit hash and ssh's 17-character temporary suffix. */
    static final int MAX_MUX_DIR = 40;
    /**
     * Sent with every broadcast session ({@code SendEnv}, which unlike {@code SetEnv} also passes through a shared
     * connection): bash, the login shell sshd runs the command with, reads ~/.bashrc before every command over ssh
     * unless it is a nested shell, and SHLVL=1 makes it one. The relay needs nothing from the user's start-up files
     * (coreutils and ssh in their standard places), while a heavy ~/.bashrc (this machine's starts pyenv: about
     * 100 ms) would be paid once per node of every broadcast. The ssh processes get SHLVL=1 from {@link #noRc}.
     */
    static final String NO_RC = "SendEnv=SHLVL";

    /** {@code builder} with the environment {@link #NO_RC} sends. */
    static ProcessBuilder noRc(ProcessBuilder builder) {
        builder.environment().put("SHLVL", "1");
        return builder;
    }

    /** Characters that reach the remote shell unquoted: the relay's path is passed as a plain word. */
    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_./+=:,@%-]+");

    private BroadcastRelay() {
    }

    /** Writes the relay script into {@code stateDir} (the same path on every node), mode 0700. */
    public static Path install(Path stateDir) {
        Path script = stateDir.resolve(FILE_NAME);
        if (!PLAIN_WORD.matcher(script.toString()).matches()) {
            throw new IllegalArgumentException("the agent's state directory " + stateDir + " holds characters a remote "
                    + "shell would interpret; set " + dev.mpibatch.agent.AgentEnv.STATE_DIR
                    + " to a path of letters, digits and ./_-");
        }
        try (InputStream in = BroadcastRelay.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("the broadcast relay script is missing from the agent jar: rebuild it");
            }
            ClusterFiles.writePrivate(script, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            java.nio.file.Files.setPosixFilePermissions(script,
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broadcast relay " + script + ": " + e.getMessage(), e);
        }
    }

    /**
     * The command that sends stdin to {@code target} on every node of {@code group}: ssh to its first node with this
     * node's cluster configuration (through the connection {@link ClusterConnections} holds, when there is one),
     * running its relay with the rest of the group as arguments.
     *
     * @param stateDir the state directory, the same path on every node (ssh_config here, the relay there)
     * @param mode     the copy's permission bits in octal
     * @param size     the file's size: its SHA-256 follows it on stdin, in 64 hex digits
     * @param fanout   how many groups each relay splits the rest into: 1 for a chain
     */
    static List<String> command(Path stateDir, List<NodeRecord> group, Path target, String mode, long size,
                                int fanout) {
        NodeRecord first = group.get(0);
        List<String> command = ssh(stateDir, first, false);
        command.addAll(List.of("sh", stateDir.resolve(FILE_NAME).toString(), Integer.toString(first.index()),
                pathArgument(target), mode,
                Long.toString(size), Integer.toString(fanout)));
        for (NodeRecord next : group.subList(1, group.size())) {
            command.addAll(List.of(Integer.toString(next.index()), next.address(), Integer.toString(next.sshPort())));
        }
        return command;
    }

    /** The target path as the relay takes it: as it is when it is a plain word, else in base64. */
    static String pathArgument(Path target) {
        String path = target.toString();
        return PLAIN_WORD.matcher(path).matches() && path.startsWith("/") ? path
                : Base64.getEncoder().encodeToString(path.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The command that opens, through this node's connection to {@code from}, the connection from {@code from} to
     * {@code to} that a chain's relay will use, and leaves it open until the worker exits ({@code ControlPersist}):
     * made for every hop at once when the cluster forms, instead of one hop after the other as a stream reaches them.
     */
    static List<String> warmUp(Path stateDir, NodeRecord from, NodeRecord to) {
        List<String> inner = ssh(stateDir, to, true);
        inner.add(1, "-n");
        inner.add("true");
        List<String> command = ssh(stateDir, from, false);
        command.add(1, "-n");
        command.addAll(inner);
        return command;
    }

    /**
     * ssh to {@code node} with the cluster's configuration; {@code relayMux}: through the relays' shared connections
     * ({@code .bcm-*} sockets in the state directory, the relay script's own), made here when missing.
     */
    private static List<String> ssh(Path stateDir, NodeRecord node, boolean relayMux) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", ClusterFiles.in(stateDir).sshConfig().toString(),
                "-p", Integer.toString(node.sshPort()), "-c", CIPHER, "-o", NO_RC));
        if (relayMux && stateDir.toString().length() <= MAX_MUX_DIR) {
            command.addAll(List.of("-o", "ControlMaster=auto", "-o", "ControlPath=" + stateDir + "/.bcm-%C",
                    "-o", "ControlPersist=yes"));
        }
        command.addAll(List.of("-T", "-x", node.address()));
        return command;
    }
}
