package dev.mpibatch.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import dev.mpibatch.agent.ssh.Ed25519Key;

/**
 * The private keys a run's nodes left in their state directories, and every way their secret bytes could show up
 * in text: the key files' base64 body, the raw 32-byte Ed25519 seed, its base64 (at each of the three alignments a
 * base64 stream can put it in) and its hex.
 */
final class PrivateKeys {
    static final String OPENSSH_MAGIC_BASE64 = "b3BlbnNzaC1rZXktdjE";

    private PrivateKeys() {
    }

    /** The seeds of every OpenSSH private key file under {@code dir}. */
    static List<byte[]> seedsUnder(Path dir) throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.ISO_8859_1);
                if (text.contains(Ed25519Key.PEM_BEGIN)) {
                    seeds.add(seed(text));
                }
            }
        }
        return seeds;
    }

    /** Strings whose presence in any text would mean the key with this seed left its node. */
    static List<String> telltales(byte[] seed) {
        List<String> texts = new ArrayList<>();
        for (int offset = 0; offset < 3; offset++) {
            texts.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(seed, offset, offset + 27)));
        }
        texts.add(HexFormat.of().formatHex(seed));
        return texts;
    }

    /** Whether {@code data} holds the raw seed bytes anywhere. */
    static boolean containsRaw(byte[] data, byte[] seed) {
        outer:
        for (int i = 0; i + seed.length <= data.length; i++) {
            for (int j = 0; j < seed.length; j++) {
                if (data[i + j] != seed[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The Ed25519 seed of an unencrypted openssh-key-v1 file (PROTOCOL.key in OpenSSH's sources). */
    private static byte[] seed(String pem) {
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(body));
        byte[] magic = new byte[15];
        in.get(magic);
        if (!new String(magic, StandardCharsets.US_ASCII).equals("openssh-key-v1\0")) {
            throw new IllegalArgumentException("not an openssh-key-v1 key");
        }
        string(in);             // cipher name ("none")
        string(in);             // kdf name
        string(in);             // kdf options
        in.getInt();            // number of keys (1)
        string(in);             // public key blob
        ByteBuffer secret = ByteBuffer.wrap(string(in));
        secret.getInt();        // check integers
        secret.getInt();
        String type = new String(string(secret), StandardCharsets.US_ASCII);
        if (!type.equals("ssh-ed25519")) {
            throw new IllegalArgumentException("expected an ssh-ed25519 key, found " + type);
        }
        string(secret);         // public key
        return Arrays.copyOf(string(secret), 32);   // seed || public key: the seed is the secret
    }

    private static byte[] string(ByteBuffer in) {
        byte[] value = new byte[in.getInt()];
        in.get(value);
        return value;
    }
}
