package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LinkRateTest {
    @Test
    void parse_readsTcUnitsAndPrintsThemBack() {
        assertThat(LinkRate.parse("200mbit").bitsPerSecond()).isEqualTo(200_000_000L);
        assertThat(LinkRate.parse("1gbit")).hasToString("1gbit");
        assertThat(LinkRate.parse("1500kbit")).hasToString("1500kbit");
    }

    @Test
    void parse_whenTheUnitIsMissingOrTheRateTooSmall_saysHowToWriteIt() {
        assertThatThrownBy(() -> LinkRate.parse("200")).hasMessageContaining("e.g. 200mbit");
        assertThatThrownBy(() -> LinkRate.parse("200MB/s")).hasMessageContaining("kbit, mbit or gbit");
        assertThatThrownBy(() -> LinkRate.parse("10kbit")).hasMessageContaining("use 1mbit to 100gbit");
    }

    @Test
    void tcCommand_isATokenBucketOnTheDeviceWithABurstOfAtLeastOneGsoSegment() {
        assertThat(LinkRate.parse("200mbit").tcCommand("ns1", "eth0")).containsExactly("tc", "-n", "ns1", "qdisc",
                "replace", "dev", "eth0", "root", "tbf", "rate", "200000000bit", "burst", "100000", "latency", "50ms");
        assertThat(LinkRate.parse("10mbit").tcCommand(null, "veth1")).containsSubsequence(List.of("burst", "65536"));
    }
}
