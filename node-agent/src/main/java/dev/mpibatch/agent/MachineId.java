package dev.mpibatch.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which machine this node runs on, as an opaque id in its record: the kernel's boot id, the same for every network
 * namespace, loopback host and container of one machine and different on every instance of a Batch job. The main
 * node groups nodes by it to know whose ranks share cores. Hashed: the record needs equality, not the id itself.
 */
final class MachineId {
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private MachineId() {
    }

    /** 16 hex digits of the boot id's SHA-256; empty when the kernel does not say (then no node shares cores). */
    static String of(Path bootId) {
        try {
            String id = Files.readString(bootId, StandardCharsets.US_ASCII).strip();
            if (id.isEmpty()) {
                return "";
            }
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (IOException e) {
            return "";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
