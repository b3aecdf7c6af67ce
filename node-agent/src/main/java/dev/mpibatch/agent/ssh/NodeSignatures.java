package dev.mpibatch.agent.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Signatures by a node's own ed25519 keys outside SSH: a node proves it holds the private key whose public half it
 * published in its record (the liveness beacon's handshake), and the main node checks that against the roster.
 * The private key is read from the node's key file and never leaves the node; only the signature does.
 *
 * <pre>{@code
 * byte[] signature = NodeSignatures.sign(hostKey.privateKey(), challenge);     // on the worker
 * boolean genuine = NodeSignatures.verify(record.hostKey(), challenge, signature); // on the main node
 * }</pre>
 */
public final class NodeSignatures {
    private NodeSignatures() {
    }

    /**
     * Signs {@code data} with the private key in {@code privateKeyFile} (as {@link SshKeys#generate} wrote it).
     *
     * @return the signature in the SSH wire format ({@code string "ssh-ed25519", string signature})
     * @throws UncheckedIOException     when the file cannot be read, naming it
     * @throws IllegalArgumentException when the file is not an unencrypted ed25519 key
     */
    public static byte[] sign(Path privateKeyFile, byte[] data) {
        try {
            return Ed25519Key.fromOpenSshPrivateKey(Files.readString(privateKeyFile, StandardCharsets.US_ASCII)).sign(data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key " + privateKeyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code signature} (SSH wire format) of {@code data} was made by the key of {@code publicKeyLine}.
     * Anything malformed, of another key type or truncated is simply not a valid signature.
     */
    public static boolean verify(String publicKeyLine, byte[] data, byte[] signature) {
        try {
            String[] parts = publicKeyLine.trim().split("\\s+");
            if (parts.length < 2 || !parts[0].equals(Ed25519Key.TYPE)) {
                return false;
            }
            SshWire.Reader key = new SshWire.Reader(Base64.getDecoder().decode(parts[1]));
            SshWire.Reader sig = new SshWire.Reader(signature);
            if (!key.string().equals(Ed25519Key.TYPE) || !sig.string().equals(Ed25519Key.TYPE)) {
                return false;
            }
            byte[] rawKey = key.bytes();
            byte[] rawSignature = sig.bytes();
            return sig.position() == sig.limit() && Ed25519Key.verify(rawKey, data, rawSignature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
