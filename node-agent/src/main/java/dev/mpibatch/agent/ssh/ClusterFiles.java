package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.mpibatch.agent.rendezvous.Roster;

/**
 * The files a node writes once it knows the roster, all in its private state directory, mode 0600.
 *
 * @param authorizedKeys every node's user key (read by this node's sshd)
 * @param knownHosts     every node's host key
 * @param sshConfig      the ssh client configuration for mpirun ({@code ssh -F})
 * @param hostfile       the MPI hostfile, written by the main node in its MPI's format
 * @param ssh            a wrapper running ssh with {@code sshConfig}, for launchers that take a program, not options
 */
public record ClusterFiles(Path authorizedKeys, Path knownHosts, Path sshConfig, Path hostfile, Path ssh) {

    /** The files' paths in {@code stateDir}. */
    public static ClusterFiles in(Path stateDir) {
        return new ClusterFiles(stateDir.resolve("authorized_keys"), stateDir.resolve("known_hosts"),
                stateDir.resolve("ssh_config"), stateDir.resolve("hostfile"), stateDir.resolve("cluster-ssh"));
    }

    /** Writes the SSH files into {@code stateDir} for {@code roster}, using this node's user key as identity. */
    public static ClusterFiles write(Path stateDir, Roster roster, int selfIndex, SshKeyPair userKey) {
        ClusterFiles files = in(stateDir);
        writePrivate(files.knownHosts(), KnownHosts.render(roster));
        writePrivate(files.sshConfig(), SshClientConfig.render(roster, userKey.privateKey(), files.knownHosts()));
        writePrivate(files.ssh(), "#!/bin/sh\n# ssh with the cluster's configuration: our key, host keys checked.\n"
                + "exec ssh -F '" + files.sshConfig() + "' \"$@\"\n");
        makeExecutable(files.ssh());
        // Last: from this moment other nodes can log in here.
        writePrivate(files.authorizedKeys(), AuthorizedKeys.render(roster));
        return files;
    }

    /** Writes the hostfile (main node only), in the format of the cluster's MPI. */
    public void writeHostfile(String text) {
        writePrivate(hostfile, text);
    }

    private static void makeExecutable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + file + " executable: " + e.getMessage(), e);
        }
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
