package dev.mpibatch.agent.mpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a byte stream into lines at {@code \n} (dropping a {@code \r} before it) and decodes each as UTF-8. A line
 * longer than the limit is passed on in pieces, cut where no UTF-8 character is split, so that one endless line
 * cannot exhaust the agent's memory. A last line without a line end is passed on at {@link #end()}.
 */
final class LineSplitter {
    private final int maxLine;
    private final Consumer<String> consumer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineSplitter(int maxLine, Consumer<String> consumer) {
        if (maxLine < 4) {
            throw new IllegalArgumentException("maxLine must hold a UTF-8 character: " + maxLine);
        }
        this.maxLine = maxLine;
        this.consumer = consumer;
    }

    void accept(byte[] bytes, int length) {
        int from = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, from, i - from);
                emit(true);
                from = i + 1;
            } else if (line.size() + i - from >= maxLine) {
                line.write(bytes, from, i - from);
                from = i;
                emitPiece();
            }
        }
        line.write(bytes, from, length - from);
    }

    /** The stream ended: passes on a last line that had no line end. */
    void end() {
        if (line.size() > 0) {
            emit(false);
        }
    }

    private void emit(boolean lineEnd) {
        byte[] bytes = line.toByteArray();
        int length = bytes.length;
        if (lineEnd && length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        line.reset();
        consumer.accept(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }

    /** Passes on the longest prefix of the buffered line that ends on a character boundary; keeps the rest. */
    private void emitPiece() {
        byte[] bytes = line.toByteArray();
        int cut = bytes.length;
        // The last character starts at p (continuation bytes are 10xxxxxx); cut before it if it is incomplete.
        int p = cut - 1;
        while (p > 0 && cut - p < 4 && (bytes[p] & 0xC0) == 0x80) {
            p--;
        }
        int lead = bytes[p] & 0xFF;
        int needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (p + needed > cut && p > 0) {
            cut = p;
        }
        line.reset();
        consumer.accept(new String(bytes, 0, cut, StandardCharsets.UTF_8));
        line.write(bytes, cut, bytes.length - cut);
    }
}
