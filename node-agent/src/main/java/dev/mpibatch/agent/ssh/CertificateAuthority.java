package dev.mpibatch.agent.ssh;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ephemeral SSH certificate authority: a key made in memory on the main node, never written anywhere, that signs
 * one host certificate and one user certificate per node ({@code ssh-ed25519-cert-v01@openssh.com}, OpenSSH's
 * PROTOCOL.certkeys). Every node then trusts this one key instead of N keys, and the certificates expire with the
 * job. Thread-safe: the main node signs in parallel.
 */
public final class CertificateAuthority {
    /** User certificates allow a terminal and nothing else: no agent, port or X11 forwarding, no user rc. */
    private static final List<String> USER_EXTENSIONS = List.of("permit-pty");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Ed25519Key key;
    private final String publicKeyLine;
    private final AtomicLong serial = new AtomicLong();

    private CertificateAuthority(Ed25519Key key, String comment) {
        this.key = key;
        this.publicKeyLine = key.publicKeyLine(comment);
    }

    /** A new authority; {@code comment} names it in the public key line (e.g. the job). */
    public static CertificateAuthority create(String comment) {
        return new CertificateAuthority(Ed25519Key.generate(), comment);
    }

    /** The authority's public key line, what nodes put in TrustedUserCAKeys and after {@code @cert-authority}. */
    public String publicKeyLine() {
        return publicKeyLine;
    }

    /** A host certificate for {@code hostKeyLine}, valid for connections to {@code address}. */
    public String signHost(String hostKeyLine, String address, String keyId, Instant validAfter, Instant validBefore) {
        return sign(SshCertificate.HOST, hostKeyLine, List.of(address), keyId, validAfter, validBefore, List.of());
    }

    /** A user certificate for {@code userKeyLine}, valid for logging in as {@code user}. */
    public String signUser(String userKeyLine, String user, String keyId, Instant validAfter, Instant validBefore) {
        return sign(SshCertificate.USER, userKeyLine, List.of(user), keyId, validAfter, validBefore, USER_EXTENSIONS);
    }

    private String sign(int type, String keyLine, List<String> principals, String keyId, Instant after,
                        Instant before, List<String> extensions) {
        if (!after.isBefore(before)) {
            throw new IllegalArgumentException("certificate " + keyId + " would be valid from " + after + " to "
                    + before + ": the end must come after the start");
        }
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        SshWire packedPrincipals = new SshWire();
        principals.forEach(packedPrincipals::string);
        SshWire packedExtensions = new SshWire();
        // Extension names must be sorted; each flag extension carries empty data.
        extensions.stream().sorted().forEach(name -> packedExtensions.string(name).string(new byte[0]));
        byte[] signed = new SshWire().string(SshCertificate.TYPE).string(nonce).string(rawKey(keyLine))
                .uint64(serial.incrementAndGet()).uint32(type).string(keyId).string(packedPrincipals.bytes())
                .uint64(after.getEpochSecond()).uint64(before.getEpochSecond())
                .string(new byte[0]).string(packedExtensions.bytes()).string(new byte[0])
                .string(key.publicBlob()).bytes();
        byte[] certificate = new SshWire().raw(signed).string(key.sign(signed)).bytes();
        return SshCertificate.TYPE + " " + Base64.getEncoder().encodeToString(certificate) + " " + keyId;
    }

    private static byte[] rawKey(String keyLine) {
        String[] parts = keyLine.trim().split("\\s+");
        if (parts.length < 2 || !parts[0].equals(Ed25519Key.TYPE)) {
            throw new IllegalArgumentException("can only certify ssh-ed25519 keys, not '" + parts[0] + "'");
        }
        SshWire.Reader in = new SshWire.Reader(Base64.getDecoder().decode(parts[1]));
        if (!in.string().equals(Ed25519Key.TYPE)) {
            throw new IllegalArgumentException("the key line says ssh-ed25519 but its blob is of another type");
        }
        return in.bytes();
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + publicKeyLine + "]";
    }
}
