package dev.mpibatch.agent.liveness;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * The beacon's handshake, which lets only the cluster's nodes in. On connecting, the main node sends
 * {@link #MAGIC} and a fresh random nonce; the worker answers with its node index and an ed25519 signature, by its
 * host key, of {@link #signedData}: a context string, the job, the attempt, its index and the nonce. The main node
 * checks the signature against the host key in that node's record (from the roster it gathered through S3), and the
 * connection's source address against the node's address. A fresh nonce per connection means a recorded answer is
 * worth nothing; the context string means the signature can serve no other protocol.
 *
 * <pre>
 * main to worker:  "MPIBEAC1" nonce[32]
 * worker to main:  uint32 index, uint32 length, signature[length]   (SSH wire: string "ssh-ed25519", string sig)
 * main to worker:  ACCEPTED (one byte), then heartbeats; or the connection ends: refused
 * </pre>
 */
final class BeaconHandshake {
    /** The first bytes the main node sends: a worker that reads anything else did not reach a beacon. */
    static final byte[] MAGIC = "MPIBEAC1".getBytes(StandardCharsets.US_ASCII);
    static final int NONCE_BYTES = 32;
    /** The byte that lets a worker in; heartbeats are the same byte. */
    static final int ACCEPTED = 1;
    static final int CHALLENGE_BYTES = MAGIC.length + NONCE_BYTES;
    /** An ed25519 signature in the SSH wire format is 83 bytes; anything much longer is not one. */
    static final int MAX_SIGNATURE_BYTES = 256;
    /** How long a client has to answer; past it, it is dropped (it never counts as a worker at any time). */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String CONTEXT = "mpi-batch liveness beacon v1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BeaconHandshake() {
    }

    static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    static byte[] challenge(byte[] nonce) {
        return ByteBuffer.allocate(CHALLENGE_BYTES).put(MAGIC).put(nonce).array();
    }

    /** The nonce of a challenge, or null when {@code challenge} is not one. */
    static byte[] nonceOf(byte[] challenge) {
        if (challenge.length != CHALLENGE_BYTES || !Arrays.equals(Arrays.copyOf(challenge, MAGIC.length), MAGIC)) {
            return null;
        }
        return Arrays.copyOfRange(challenge, MAGIC.length, CHALLENGE_BYTES);
    }

    /** What a worker signs: the nonce, bound to this purpose, this job attempt and the index it claims. */
    static byte[] signedData(String jobId, int attempt, int index, byte[] nonce) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, CONTEXT.getBytes(StandardCharsets.UTF_8));
            writeString(out, jobId.getBytes(StandardCharsets.UTF_8));
            out.writeInt(attempt);
            out.writeInt(index);
            writeString(out, nonce);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] answer(int index, byte[] signature) {
        return ByteBuffer.allocate(8 + signature.length).putInt(index).putInt(signature.length).put(signature).array();
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
