package dev.mpibatch.agent.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;

/**
 * The SSH wire encoding (RFC 4251 section 5) that OpenSSH keys and certificates are made of: big-endian integers
 * and length-prefixed strings.
 */
final class SshWire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    SshWire uint32(long value) {
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
        return this;
    }

    SshWire uint64(long value) {
        return uint32(value >>> 32).uint32(value & 0xffffffffL);
    }

    SshWire string(byte[] value) {
        uint32(value.length);
        out.writeBytes(value);
        return this;
    }

    SshWire string(String value) {
        return string(value.getBytes(StandardCharsets.UTF_8));
    }

    SshWire raw(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Reads what {@link SshWire} writes; a truncated or oversized field is an {@link IllegalArgumentException}. */
    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        long uint32() {
            try {
                return in.getInt() & 0xffffffffL;
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("truncated SSH data", e);
            }
        }

        long uint64() {
            return (uint32() << 32) | uint32();
        }

        byte[] bytes() {
            long length = uint32();
            if (length > in.remaining()) {
                throw new IllegalArgumentException("SSH string of " + length + " bytes where " + in.remaining() + " remain");
            }
            byte[] value = new byte[(int) length];
            in.get(value);
            return value;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        int position() {
            return in.position();
        }

        int limit() {
            return in.limit();
        }
    }
}
