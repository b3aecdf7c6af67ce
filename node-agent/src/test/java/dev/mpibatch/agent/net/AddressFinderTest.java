package dev.mpibatch.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AddressFinderTest {
    private static final List<ClusterAddress> BATCH_CONTAINER = List.of(
            new ClusterAddress("127.0.0.1", 8, "lo"),
            new ClusterAddress("172.17.0.1", 16, "docker0"),
            new ClusterAddress("169.254.172.2", 22, "ecs-eth0"),
            new ClusterAddress("10.1.4.25", 20, "eth0"));

    @Test
    void choose_inABatchContainer_picksTheEniAddressNotLoopbackDockerOrLinkLocal() {
        ClusterAddress chosen = AddressFinder.choose(BATCH_CONTAINER, Optional.empty());

        assertThat(chosen.address()).isEqualTo("10.1.4.25");
        assertThat(chosen.subnetCidr()).isEqualTo("10.1.0.0/20");
    }

    @Test
    void choose_withSubnet_picksTheAddressInIt() {
        ClusterAddress chosen = AddressFinder.choose(BATCH_CONTAINER, Optional.of("172.17.0.0/16"));

        assertThat(chosen.interfaceName()).isEqualTo("docker0");
    }

    @Test
    void choose_whenNoInterfaceInSubnet_failsListingWhatItSaw() {
        assertThatThrownBy(() -> AddressFinder.choose(BATCH_CONTAINER, Optional.of("192.168.0.0/24")))
                .hasMessageContaining("no interface has an address in the cluster subnet 192.168.0.0/24")
                .hasMessageContaining("eth0 10.1.4.25/20").hasMessageContaining("MPI_BATCH_SUBNET");
    }

    @Test
    void choose_whenOnlyLoopbackAndLinkLocal_failsSayingWhatToSet() {
        assertThatThrownBy(() -> AddressFinder.choose(BATCH_CONTAINER.subList(0, 3), Optional.empty()))
                .hasMessageContaining("Set MPI_BATCH_SUBNET or MPI_BATCH_ADDRESS");
    }

    @Test
    void ipv4_subnetMembership() {
        assertThat(Ipv4.inSubnet("10.213.0.7", "10.213.0.0/24")).isTrue();
        assertThat(Ipv4.inSubnet("10.213.1.7", "10.213.0.0/24")).isFalse();
        assertThatThrownBy(() -> Ipv4.toInt("10.0.0.256")).hasMessageContaining("is not an IPv4 address");
    }
}
