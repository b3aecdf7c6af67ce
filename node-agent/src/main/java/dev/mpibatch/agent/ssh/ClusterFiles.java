package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.mpibatch.agent.mpi.Hostfile;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * The files a node writes once it knows the roster, all in its private state directory, mode 0600.
 *
 * @param authorizedKeys every node's user key (read by this node's sshd)
 * @param knownHosts     every node's host key
 * @param sshConfig      the ssh client configuration for mpirun ({@code ssh -F})
 * @param hostfile       the Open MPI hostfile
 */
public record ClusterFiles(Path authorizedKeys, Path knownHosts, Path sshConfig, Path hostfile) {

    /** Writes the four files into {@code stateDir} for {@code roster}, using this node's user key as identity. */
    public static ClusterFiles write(Path stateDir, Roster roster, int selfIndex, SshKeyPair userKey) {
        ClusterFiles files = new ClusterFiles(stateDir.resolve("authorized_keys"), stateDir.resolve("known_hosts"),
                stateDir.resolve("ssh_config"), stateDir.resolve("hostfile"));
        writePrivate(files.knownHosts(), KnownHosts.render(roster));
        writePrivate(files.sshConfig(), SshClientConfig.render(roster, userKey.privateKey(), files.knownHosts()));
        writePrivate(files.hostfile(), Hostfile.openMpi(roster));
        // Last: from this moment other nodes can log in here.
        writePrivate(files.authorizedKeys(), AuthorizedKeys.render(roster));
        return files;
    }

    /** Writes {@code text} atomically into a new 0600 file. */
    public static void writePrivate(Path file, String text) {
        try {
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
