package dev.mpibatch.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void parse_acceptsUnitsBareSecondsAndIso() {
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationText.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(DurationText.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void parse_whenNotADuration_saysWhatIsAccepted() {
        assertThatThrownBy(() -> DurationText.parse("soon")).hasMessageContaining("use e.g. 500ms, 90s, 10m, 1h or PT10M");
        assertThatThrownBy(() -> DurationText.parse("-5s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void format_thenParse_roundTrips() {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(1500), Duration.ofSeconds(61),
                Duration.ofMinutes(10), Duration.ofHours(3), Duration.ofNanos(1500)}) {
            assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
        }
    }
}
