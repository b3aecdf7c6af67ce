package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What uses a subnet, read from the output of {@code ip} as it looks on a real machine. */
class SubnetsInUseTest {
    private static final String ADDRESSES = """
            1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
            4: eth0    inet 192.168.77.2/24 brd 192.168.77.255 scope global eth0\\       valid_lft forever preferred_lft forever
            9: mpibab12cd    inet 10.213.0.1/24 scope global mpibab12cd\\       valid_lft forever preferred_lft forever
            11: mpib0f0f0f    inet 10.213.1.1/24 scope global mpib0f0f0f\\       valid_lft forever preferred_lft forever
            """;
    private static final String ROUTES = """
            default via 192.168.77.1 dev eth0
            10.213.0.0/24 dev mpibab12cd proto kernel scope link src 10.213.0.1
            172.16.0.0/12 via 192.168.77.9 dev eth0
            blackhole 10.213.3.0/24
            10.213.4.7 via 192.168.77.1 dev eth0
            """;
    private static final RunOwner LIVE = new RunOwner("ab12cd", Path.of("/run/mpi-batch/local-ab12cd"), 4242,
            Optional.empty(), Optional.of("10.213.0.0/24"), false, false);
    private static final RunOwner STARTING = new RunOwner("cafe01", Path.of("/run/mpi-batch/local-cafe01"), 4343,
            Optional.empty(), Optional.of("10.213.2.0/24"), false, false);

    private final SubnetsInUse inUse = SubnetsInUse.from(ADDRESSES, ROUTES, List.of(LIVE, STARTING));

    @Test
    void aLiveRunsSubnet_isInUseNamingTheRunItsBridgeAndPid() {
        assertThatThrownBy(() -> inUse.requireFree("10.213.0.0/24", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--subnet 10.213.0.0/24 is in use on this machine by mpi-batch run local-ab12cd")
                .hasMessageContaining("bridge mpibab12cd, run by pid 4242")
                .hasMessageContaining("e.g. --subnet 10.213.5.0/24")
                .hasMessageContaining("leave out --subnet");
    }

    @Test
    void aRunThatClaimedItsSubnetBeforeMakingItsBridge_holdsIt() {
        assertThat(inUse.conflict(Subnet.parse("10.213.2.128/25"))).get().extracting(SubnetsInUse.Use::what)
                .asString().contains("local-cafe01");
    }

    @Test
    void anInterfacesSubnetOrARoute_isInUse() {
        assertThat(inUse.conflict(Subnet.parse("192.168.77.0/24"))).get().extracting(SubnetsInUse.Use::what)
                .asString().isEqualTo("interface eth0 (192.168.77.2/24)");
        assertThat(inUse.conflict(Subnet.parse("172.20.0.0/16"))).get().extracting(SubnetsInUse.Use::what)
                .asString().contains("172.16.0.0/12 via 192.168.77.9");
        assertThat(inUse.conflict(Subnet.parse("10.213.3.0/24"))).as("a blackhole route").isPresent();
        assertThat(inUse.conflict(Subnet.parse("10.213.4.0/28"))).as("a host route").isPresent();
        assertThat(inUse.conflict(Subnet.parse("10.0.0.0/8"))).as("a larger subnet around runs").isPresent();
        assertThat(inUse.conflict(Subnet.parse("10.214.0.0/24"))).isEmpty();
    }

    @Test
    void aBridgeOfARunWithoutAnOwner_saysHowToFindIt() {
        assertThat(inUse.conflict(Subnet.parse("10.213.1.0/24"))).get().extracting(SubnetsInUse.Use::what)
                .asString().contains("mpib0f0f0f", "local-0f0f0f", "--cleanup");
    }

    @Test
    void pickFree_takesTheFirstSubnetNothingUses_largerForManyHosts() {
        assertThat(inUse.pickFree(3).cidr()).isEqualTo("10.213.5.0/24");
        assertThat(inUse.pickFree(253).cidr()).isEqualTo("10.213.5.0/24");
        assertThat(inUse.pickFree(254).cidr()).isEqualTo("10.213.6.0/23");
        assertThat(inUse.pickFree(1000).cidr()).isEqualTo("10.213.8.0/22");
        assertThat(SubnetsInUse.from("", "", List.of()).pickFree(2).cidr()).isEqualTo("10.213.0.0/24");
    }

    @Test
    void pickFree_whenEverythingIsTaken_saysSo() {
        SubnetsInUse full = SubnetsInUse.from("", "10.0.0.0/8 dev tun0\n", List.of());

        assertThatThrownBy(() -> full.pickFree(2)).hasMessageContaining("no free subnet for 2 hosts")
                .hasMessageContaining("--subnet");
    }
}
