package dev.mpibatch.agent.ssh;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * An OpenSSH ed25519 certificate ({@code ssh-ed25519-cert-v01@openssh.com}, OpenSSH's PROTOCOL.certkeys) as read
 * back from its line: what a node checks before installing the certificate the main node made for it.
 *
 * @param host       whether it is a host certificate (otherwise a user certificate)
 * @param publicKey  the certified key, in the SSH wire format
 * @param keyId      the key id (logged by sshd on every login)
 * @param principals the host names or user names it is valid for
 * @param validAfter  the start of its validity
 * @param validBefore the end of its validity
 * @param signatureKey the certificate authority's public key, in the SSH wire format
 * @param signatureValid whether the signature checks out against {@code signatureKey}
 */
public record SshCertificate(boolean host, byte[] publicKey, String keyId, List<String> principals,
                             Instant validAfter, Instant validBefore, byte[] signatureKey, boolean signatureValid) {
    static final String TYPE = "ssh-ed25519-cert-v01@openssh.com";
    static final int USER = 1;
    static final int HOST = 2;

    public SshCertificate {
        publicKey = publicKey.clone();
        signatureKey = signatureKey.clone();
        principals = List.copyOf(principals);
        Objects.requireNonNull(keyId, "keyId");
    }

    /**
     * Parses {@code type base64 [comment]}.
     *
     * @throws IllegalArgumentException when the line is not an ed25519 certificate, saying what is wrong
     */
    public static SshCertificate parse(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2 || !parts[0].equals(TYPE)) {
            throw new IllegalArgumentException("not an " + TYPE + " line: '" + abbreviate(line) + "'");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate is not valid base64", e);
        }
        SshWire.Reader in = new SshWire.Reader(blob);
        if (!in.string().equals(TYPE)) {
            throw new IllegalArgumentException("certificate blob is not of type " + TYPE);
        }
        in.bytes(); // nonce
        byte[] rawKey = in.bytes();
        in.uint64(); // serial
        long type = in.uint32();
        String keyId = in.string();
        List<String> principals = new ArrayList<>();
        SshWire.Reader packed = new SshWire.Reader(in.bytes());
        while (packed.position() < packedLength(packed)) {
            principals.add(packed.string());
        }
        Instant after = instant(in.uint64());
        Instant before = instant(in.uint64());
        in.bytes(); // critical options
        in.bytes(); // extensions
        in.bytes(); // reserved
        byte[] signatureKey = in.bytes();
        int signedLength = in.position();
        SshWire.Reader signature = new SshWire.Reader(in.bytes());
        boolean valid = signature.string().equals(Ed25519Key.TYPE)
                && Ed25519Key.verify(caRawKey(signatureKey), Arrays.copyOf(blob, signedLength), signature.bytes());
        return new SshCertificate(type == HOST, Ed25519Key.publicBlob(rawKey), keyId, principals, after, before,
                signatureKey, valid);
    }

    /** Whether this certifies the key of the OpenSSH public key line {@code publicKeyLine}. */
    public boolean certifies(String publicKeyLine) {
        String[] parts = publicKeyLine.trim().split("\\s+");
        return parts.length >= 2 && Arrays.equals(publicKey, Base64.getDecoder().decode(parts[1]));
    }

    private static int packedLength(SshWire.Reader reader) {
        return reader.limit();
    }

    private static byte[] caRawKey(byte[] signatureKey) {
        SshWire.Reader in = new SshWire.Reader(signatureKey);
        return in.string().equals(Ed25519Key.TYPE) ? in.bytes() : new byte[0];
    }

    private static Instant instant(long seconds) {
        return seconds < 0 || seconds > Instant.MAX.getEpochSecond() ? Instant.MAX : Instant.ofEpochSecond(seconds);
    }

    private static String abbreviate(String line) {
        return line.length() > 40 ? line.substring(0, 40) + "..." : line;
    }
}
