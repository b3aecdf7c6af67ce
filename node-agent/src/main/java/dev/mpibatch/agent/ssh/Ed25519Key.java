package dev.mpibatch.agent.ssh;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 key pair in memory, with its OpenSSH encodings: the public key line, the unencrypted
 * {@code openssh-key-v1} private key file, and signatures as OpenSSH writes them.
 *
 * <p>Made in Java rather than by {@code ssh-keygen}: no process per key. The arithmetic is BouncyCastle's RFC 8032
 * implementation (already on the agent's class path through sshj), about ten times faster than the JDK 17 EdDSA
 * provider, which matters to a main node signing two certificates for each of a thousand nodes.
 */
public final class Ed25519Key {
    static final String TYPE = "ssh-ed25519";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PEM_LINE = 70;
    /** The first line of an OpenSSH private key file: what scanners for leaked keys look for. */
    public static final String PEM_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String PEM_END = "-----END OPENSSH PRIVATE KEY-----";

    private final byte[] seed;
    private final byte[] publicKey;

    private Ed25519Key(byte[] seed, byte[] publicKey) {
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A new key pair from the system's secure random source. */
    public static Ed25519Key generate() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        RANDOM.nextBytes(seed);
        byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, publicKey, 0);
        return new Ed25519Key(seed, publicKey);
    }

    /** The public key in the SSH wire format ({@code string "ssh-ed25519", string key}). */
    public byte[] publicBlob() {
        return publicBlob(publicKey);
    }

    static byte[] publicBlob(byte[] rawPublicKey) {
        return new SshWire().string(TYPE).string(rawPublicKey).bytes();
    }

    byte[] rawPublicKey() {
        return publicKey.clone();
    }

    /** The public key as one OpenSSH line, {@code ssh-ed25519 AAAA... comment}. */
    public String publicKeyLine(String comment) {
        return TYPE + " " + Base64.getEncoder().encodeToString(publicBlob()) + (comment.isEmpty() ? "" : " " + comment);
    }

    /** The signature of {@code data} in the SSH wire format ({@code string "ssh-ed25519", string signature}). */
    byte[] sign(byte[] data) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(seed, 0, publicKey, 0, data, 0, data.length, signature, 0);
        return new SshWire().string(TYPE).string(signature).bytes();
    }

    /** Whether {@code signature} (raw, 64 bytes) of {@code data} was made by the key {@code rawPublicKey}. */
    static boolean verify(byte[] rawPublicKey, byte[] data, byte[] signature) {
        return signature.length == Ed25519.SIGNATURE_SIZE && rawPublicKey.length == Ed25519.PUBLIC_KEY_SIZE
                && Ed25519.verify(signature, 0, rawPublicKey, 0, data, 0, data.length);
    }

    /**
     * The private key file OpenSSH reads ({@code PROTOCOL.key}: {@code openssh-key-v1}, no cipher, no KDF).
     * It holds the secret: write it only to a 0600 file on this node.
     */
    String openSshPrivateKey(String comment) {
        int check = RANDOM.nextInt();
        byte[] secret = new byte[seed.length + publicKey.length];
        System.arraycopy(seed, 0, secret, 0, seed.length);
        System.arraycopy(publicKey, 0, secret, seed.length, publicKey.length);
        SshWire inner = new SshWire().uint32(check).uint32(check)
                .string(TYPE).string(publicKey).string(secret).string(comment);
        for (int pad = 1; inner.size() % 8 != 0; pad++) {
            inner.raw(new byte[] {(byte) pad});
        }
        byte[] body = new SshWire().raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII))
                .string("none").string("none").string(new byte[0]).uint32(1)
                .string(publicBlob()).string(inner.bytes()).bytes();
        Arrays.fill(secret, (byte) 0);
        String base64 = Base64.getEncoder().encodeToString(body);
        StringBuilder pem = new StringBuilder(PEM_BEGIN).append('\n');
        for (int i = 0; i < base64.length(); i += PEM_LINE) {
            pem.append(base64, i, Math.min(base64.length(), i + PEM_LINE)).append('\n');
        }
        return pem.append(PEM_END).append('\n').toString();
    }

    /**
     * Reads back a private key file that {@link #openSshPrivateKey} wrote (unencrypted {@code openssh-key-v1}, one
     * ssh-ed25519 key): a node signs with the key it keeps on disk, without holding a second copy in memory.
     *
     * @throws IllegalArgumentException when the text is not such a file
     */
    static Ed25519Key fromOpenSshPrivateKey(String pem) {
        String base64 = pem.replace(PEM_BEGIN, "").replace(PEM_END, "").replaceAll("\\s", "");
        byte[] body = Base64.getDecoder().decode(base64);
        byte[] magic = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
        if (body.length < magic.length || !Arrays.equals(Arrays.copyOf(body, magic.length), magic)) {
            throw new IllegalArgumentException("not an OpenSSH private key file");
        }
        SshWire.Reader in = new SshWire.Reader(Arrays.copyOfRange(body, magic.length, body.length));
        if (!in.string().equals("none") || !in.string().equals("none")) {
            throw new IllegalArgumentException("an encrypted OpenSSH private key: only unencrypted ones are read");
        }
        in.bytes(); // KDF options: none
        if (in.uint32() != 1) {
            throw new IllegalArgumentException("an OpenSSH private key file with more than one key");
        }
        in.bytes(); // the public key blob, repeated in the private section
        SshWire.Reader secret = new SshWire.Reader(in.bytes());
        if (secret.uint32() != secret.uint32() || !secret.string().equals(TYPE)) {
            throw new IllegalArgumentException("not an unencrypted ssh-ed25519 private key");
        }
        byte[] publicKey = secret.bytes();
        byte[] pair = secret.bytes();
        if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE || pair.length != Ed25519.SECRET_KEY_SIZE + Ed25519.PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("an ssh-ed25519 private key of the wrong size");
        }
        byte[] seed = Arrays.copyOf(pair, Ed25519.SECRET_KEY_SIZE);
        Arrays.fill(pair, (byte) 0);
        return new Ed25519Key(seed, publicKey);
    }

    @Override
    public String toString() {
        // Never print key material, not even by accident through a log line.
        return "Ed25519Key[" + publicKeyLine("").substring(TYPE.length() + 1, TYPE.length() + 13) + "...]";
    }
}
