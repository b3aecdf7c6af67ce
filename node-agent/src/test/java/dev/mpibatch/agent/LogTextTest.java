package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void escape_writesControlCharactersAsEscapes_andLeavesOtherTextAlone() {
        assertThat(LogText.escape("hello.c")).isEqualTo("hello.c");
        assertThat(LogText.escape("données/é.txt")).isEqualTo("données/é.txt");
        assertThat(LogText.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(LogText.escape("x\u001b[31my\u007f\u0085\u2028")).isEqualTo("x\\u001b[31my\\u007f\\u0085\\u2028");
        assertThat(LogText.escapeAll(List.of("sh", "-c", "echo 1\necho 2"))).isEqualTo("sh -c echo 1\\necho 2");
    }
}
