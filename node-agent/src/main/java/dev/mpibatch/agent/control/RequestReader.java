package dev.mpibatch.agent.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Reads the one request line a client sends. */
final class RequestReader {
    private RequestReader() {
    }

    /**
     * The bytes before the first newline (anything after it is ignored: the client sends nothing more);
     * {@code null} when the client hung up before it.
     *
     * @throws IllegalArgumentException when the line is longer than {@code max} bytes
     */
    static byte[] readLine(ReadableByteChannel channel, int max) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return null;
            }
            int end = 0;
            while (end < n && buffer.get(end) != '\n') {
                end++;
            }
            line.write(buffer.array(), 0, end);
            if (line.size() > max) {
                throw new IllegalArgumentException("the request is longer than " + max + " bytes: a step's arguments "
                        + "are at most 64 KiB each; put long data in a file");
            }
            if (end < n) {
                return line.toByteArray();
            }
        }
    }
}
