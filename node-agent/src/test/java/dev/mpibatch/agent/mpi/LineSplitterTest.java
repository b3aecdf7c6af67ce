package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private final List<String> lines = new ArrayList<>();

    private void feed(LineSplitter splitter, byte[] bytes, int chunk) {
        for (int i = 0; i < bytes.length; i += chunk) {
            int n = Math.min(chunk, bytes.length - i);
            byte[] part = new byte[n];
            System.arraycopy(bytes, i, part, 0, n);
            splitter.accept(part, n);
        }
        splitter.end();
    }

    @Test
    void accept_whenLinesArriveInPiecesAndCharactersAreSplitAcrossReads_keepsEveryCharacter() {
        byte[] text = "é日本 ünïcödé\r\nsecond 🙂 line\nno line end".getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= text.length; chunk++) {
            lines.clear();
            feed(new LineSplitter(1024, lines::add), text, chunk);
            assertThat(lines).as("read %d bytes at a time", chunk)
                    .containsExactly("é日本 ünïcödé", "second 🙂 line", "no line end");
        }
    }

    @Test
    void accept_whenALineIsLongerThanTheLimit_passesItOnInPiecesThatSplitNoCharacter() {
        String line = "a" + "日".repeat(100) + "🙂".repeat(50);
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);

        feed(new LineSplitter(16, lines::add), bytes, 7);

        assertThat(String.join("", lines)).isEqualTo(line);
        assertThat(lines).allSatisfy(piece -> {
            assertThat(piece.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(16);
            assertThat(piece).doesNotContain("\uFFFD");
        });
    }

    @Test
    void accept_whenEmptyLines_keepsThem() {
        feed(new LineSplitter(8, lines::add), "\n\nx\n".getBytes(StandardCharsets.UTF_8), 1);

        assertThat(lines).containsExactly("", "", "x");
    }
}
