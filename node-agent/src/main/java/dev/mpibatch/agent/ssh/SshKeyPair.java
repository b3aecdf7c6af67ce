package dev.mpibatch.agent.ssh;

import java.util.Objects;
import java.nio.file.Path;

/**
 * An OpenSSH key pair made on this node. The private key stays in its file (mode 0600) on this node;
 * only {@link #publicKeyLine()} is ever published.
 *
 * @param privateKey    path of the private key file
 * @param publicKeyLine the public key as one OpenSSH line ({@code ssh-ed25519 AAAA... comment})
 */
public record SshKeyPair(Path privateKey, String publicKeyLine) {
    public SshKeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKeyLine, "publicKeyLine");
    }

    @Override
    public String toString() {
        // Never print key material, not even by accident through a log line.
        return "SshKeyPair[" + privateKey + "]";
    }
}
