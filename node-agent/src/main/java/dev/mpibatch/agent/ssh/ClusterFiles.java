package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

import dev.mpibatch.agent.rendezvous.NodeBundle;
import dev.mpibatch.agent.rendezvous.NodeRecord;

/**
 * The files a node writes once it has its certificates, all in its private state directory, mode 0600. Every node,
 * main or worker, can then ssh to every other node (Open MPI's tree spawn, MPICH, relays between workers).
 *
 * @param trustedUserCaKeys the cluster authority's key (read by this node's sshd)
 * @param knownHosts        one {@code @cert-authority} line
 * @param sshConfig         the ssh client configuration for mpirun ({@code ssh -F})
 * @param hostfile          the MPI hostfile, written by the main node in its MPI's format
 * @param ssh               a wrapper running ssh with {@code sshConfig}, for launchers that take a program, not options
 */
public record ClusterFiles(Path trustedUserCaKeys, Path knownHosts, Path sshConfig, Path hostfile, Path ssh) {

    /** The files' paths in {@code stateDir}. */
    public static ClusterFiles in(Path stateDir) {
        return new ClusterFiles(stateDir.resolve("trusted_user_ca_keys"), stateDir.resolve("known_hosts"),
                stateDir.resolve("ssh_config"), stateDir.resolve("hostfile"), stateDir.resolve("cluster-ssh"));
    }

    /**
     * The ssh that Open MPI's mpirun starts its daemons with: what a daemon prints (every daemon prints the job map,
     * late) goes to the file named by {@value #LAUNCHER_OUTPUT} when the agent sets it, never into the file where
     * mpirun writes the ranks' output, where it could land in the middle of a rank's line. On other nodes (tree
     * spawn) the variable is unset and the output travels back to mpirun's node over the first daemon's ssh.
     */
    public Path launcherSsh() {
        return ssh.resolveSibling("launcher-ssh");
    }

    /** The environment variable naming the file for what mpirun's daemons print (see {@link #launcherSsh()}). */
    public static final String LAUNCHER_OUTPUT = "MPI_BATCH_LAUNCHER_OUTPUT";

    /** Where OpenSSH looks for the certificate of the key in {@code keyFile}: {@code <keyFile>-cert.pub}. */
    public static Path certificateOf(Path keyFile) {
        return keyFile.resolveSibling(keyFile.getFileName() + "-cert.pub");
    }

    /**
     * Checks that the bundle certifies this node's own keys and address, then writes the certificates next to the
     * keys and the SSH files into {@code stateDir}.
     *
     * @throws IllegalStateException when the certificates are for other keys, naming the node
     */
    public static ClusterFiles install(Path stateDir, NodeBundle bundle, NodeRecord self, SshKeyPair userKey,
                                       SshKeyPair hostKey) {
        check(bundle, self);
        ClusterFiles files = in(stateDir);
        Path userCertificate = certificateOf(userKey.privateKey());
        writePrivate(userCertificate, bundle.userCertificate() + "\n");
        writePrivate(certificateOf(hostKey.privateKey()), bundle.hostCertificate() + "\n");
        writePrivate(files.knownHosts(), KnownHosts.render(bundle));
        writePrivate(files.sshConfig(), SshClientConfig.render(bundle, userKey.privateKey(), userCertificate,
                files.knownHosts()));
        writePrivate(files.ssh(), "#!/bin/sh\n# ssh with the cluster's configuration: our key, host keys checked.\n"
                + "exec ssh -F '" + files.sshConfig() + "' \"$@\"\n");
        makeExecutable(files.ssh());
        writePrivate(files.launcherSsh(), "#!/bin/sh\n# ssh for mpirun's daemons: what they print goes apart from the"
                + " ranks' output.\nif [ -n \"$" + LAUNCHER_OUTPUT + "\" ]; then\n  exec ssh -F '" + files.sshConfig()
                + "' \"$@\" >>\"$" + LAUNCHER_OUTPUT + "\" 2>&1\nfi\nexec ssh -F '" + files.sshConfig() + "' \"$@\"\n");
        makeExecutable(files.launcherSsh());
        // Last: from this moment users with the cluster's certificates can log in here.
        writePrivate(files.trustedUserCaKeys(), KnownHosts.keyWithoutComment(bundle.certificateAuthority()) + "\n");
        return files;
    }

    private static void check(NodeBundle bundle, NodeRecord self) {
        SshCertificate host = SshCertificate.parse(bundle.hostCertificate());
        SshCertificate user = SshCertificate.parse(bundle.userCertificate());
        byte[] ca = java.util.Base64.getDecoder().decode(bundle.certificateAuthority().trim().split("\\s+")[1]);
        if (!host.certifies(self.hostKey()) || !user.certifies(self.userKey())) {
            throw new IllegalStateException("the certificates for node " + self.index() + " are for other keys than "
                    + "this node registered: do two agents claim index " + self.index() + "?");
        }
        if (!host.host() || user.host() || !host.principals().contains(self.address())
                || !user.principals().contains(bundle.user())) {
            throw new IllegalStateException("the certificates for node " + self.index() + " name " + host.principals()
                    + " and " + user.principals() + ", not host " + self.address() + " and user " + bundle.user());
        }
        if (!host.signatureValid() || !user.signatureValid() || !Arrays.equals(host.signatureKey(), ca)
                || !Arrays.equals(user.signatureKey(), ca)) {
            throw new IllegalStateException("the certificates for node " + self.index()
                    + " are not signed by the bundle's certificate authority: refusing them");
        }
    }

    /** Writes the hostfile (main node only), in the format of the cluster's MPI. */
    public void writeHostfile(String text) {
        writePrivate(hostfile, text);
    }

    /** Makes {@code file} executable by its owner only (0700). */
    public static void makeExecutable(Path file) {
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
