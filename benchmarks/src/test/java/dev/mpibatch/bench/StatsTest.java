package dev.mpibatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void median_ofOddAndEvenCounts_isTheMiddle() {
        assertThat(Stats.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void median_ofNothing_failsSayingWhatToDo() {
        assertThatThrownBy(() -> Stats.median(List.of())).hasMessageContaining("measure at least once");
    }

    @Test
    void ratio_needsAPositiveBaseline() {
        assertThat(Stats.ratio(1.3, 1.0)).isEqualTo(1.3);
        assertThatThrownBy(() -> Stats.ratio(1, 0)).hasMessageContaining("positive baseline");
    }

    @Test
    void fixed_ignoresTheLocale() {
        assertThat(Stats.fixed(1.23456, 2)).isEqualTo("1.23");
    }
}
