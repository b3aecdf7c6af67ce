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
     * The command that sends stdin to {@code target} on every node of {@code chain}, in order: ssh to the first node
     * with this node's cluster configuration, running its relay with the rest of the chain as arguments.
     *
     * @param stateDir the state directory, the same path on every node (ssh_config here, the relay there)
     * @param mode     the copy's permission bits in octal
     * @param sha256   the file's digest in hex
     */
    static List<String> command(Path stateDir, List<NodeRecord> chain, Path target, String mode, String sha256) {
        NodeRecord first = chain.get(0);
        List<String> command = new ArrayList<>(List.of("ssh", "-F", ClusterFiles.in(stateDir).sshConfig().toString(),
                "-p", Integer.toString(first.sshPort()), "-c", CIPHER, "-T", "-x", first.address(),
                "sh", stateDir.resolve(FILE_NAME).toString(), Integer.toString(first.index()),
                Base64.getEncoder().encodeToString(target.toString().getBytes(StandardCharsets.UTF_8)), mode, sha256));
        for (NodeRecord next : chain.subList(1, chain.size())) {
            command.addAll(List.of(Integer.toString(next.index()), next.address(), Integer.toString(next.sshPort())));
        }
        return command;
    }
}
