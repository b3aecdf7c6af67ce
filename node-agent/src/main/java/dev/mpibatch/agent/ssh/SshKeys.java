package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes ed25519 key pairs in Java and writes them in OpenSSH's formats, so that sshd and ssh read them without
 * conversion and no {@code ssh-keygen} process is needed.
 */
public final class SshKeys {
    private SshKeys() {
    }

    /**
     * Generates {@code dir/name} (private, 0600) and {@code dir/name.pub}. {@code dir} must exist and should be 0700.
     *
     * @throws UncheckedIOException when the files cannot be written, naming them
     */
    public static SshKeyPair generate(Path dir, String name, String comment) {
        Path privateKey = dir.resolve(name);
        Path publicKey = dir.resolve(name + ".pub");
        Ed25519Key key = Ed25519Key.generate();
        String publicLine = key.publicKeyLine(comment);
        try {
            Files.deleteIfExists(privateKey);
            Files.deleteIfExists(publicKey);
            // Created 0600 from the start: the secret is never readable by others, not even for a moment.
            Files.createFile(privateKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateKey, key.openSshPrivateKey(comment), StandardCharsets.US_ASCII);
            Files.writeString(publicKey, publicLine + "\n", StandardCharsets.US_ASCII);
            return new SshKeyPair(privateKey, publicLine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the SSH key " + privateKey + ": " + e.getMessage(), e);
        }
    }
}
