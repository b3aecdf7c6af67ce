package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;

/** When MPI is told to yield: exactly when a machine's ranks outnumber its cores. */
class SharedCoresTest {
    private static NodeRecord node(int index, int slots, int cpus, String machine) {
        return new NodeRecord("job", 1, index, "10.0.0." + (index + 2), 2222, slots, "h" + index, "u", "h", "t",
                cpus, machine, 0);
    }

    @Test
    void localCluster_threeHostsOfTwoSlotsOnTwoCores_isOversubscribed() {
        List<NodeRecord> hosts = List.of(node(0, 2, 2, "aa"), node(1, 2, 2, "aa"), node(2, 2, 2, "aa"));

        assertThat(SharedCores.of(hosts)).hasValueSatisfying(shared -> {
            assertThat(shared.ranks()).isEqualTo(6);
            assertThat(shared.cores()).isEqualTo(2);
            assertThat(shared.describe()).isEqualTo("6 ranks on 2 cores (nodes 0, 1, 2 share one machine)");
        });
    }

    @Test
    void localCluster_asManyRanksAsCores_isNot() {
        assertThat(SharedCores.of(List.of(node(0, 1, 2, "aa"), node(1, 1, 2, "aa")))).isEmpty();
    }

    @Test
    void separateMachines_eachWithACorePerSlot_isNot() {
        assertThat(SharedCores.of(List.of(node(0, 8, 8, "aa"), node(1, 8, 8, "bb"), node(2, 8, 8, "cc")))).isEmpty();
    }

    @Test
    void oneNodeWithMoreSlotsThanCpus_isOversubscribed_evenWhenTheOthersAreNot() {
        List<NodeRecord> nodes = List.of(node(0, 4, 4, "aa"), node(1, 6, 4, "bb"), node(2, 4, 4, "cc"));

        assertThat(SharedCores.of(nodes)).hasValueSatisfying(
                shared -> assertThat(shared.describe()).isEqualTo("6 ranks on 4 cores (node 1)"));
    }

    @Test
    void unknownMachine_countsAsAMachineOfItsOwn_andUnknownCpusNeverTrigger() {
        assertThat(SharedCores.of(List.of(node(0, 2, 2, ""), node(1, 2, 2, "")))).isEmpty();
        assertThat(SharedCores.of(List.of(node(0, 64, 0, "aa"), node(1, 64, 0, "aa")))).isEmpty();
    }

    @Test
    void containersLimitedToFewerCpus_shareAsManyCoresAsTheLargestMayUse() {
        assertThat(SharedCores.of(List.of(node(0, 2, 2, "aa"), node(1, 2, 4, "aa")))).isEmpty();
        assertThat(SharedCores.of(List.of(node(0, 3, 2, "aa"), node(1, 2, 4, "aa")))).isPresent();
    }

    @Test
    void drivers_nameTheirOwnYieldSettings() {
        assertThat(new OpenMpiDriver("4.1.4", ".openmpi").yieldWhenIdle())
                .containsExactly(java.util.Map.entry("OMPI_MCA_mpi_yield_when_idle", "1"));
        assertThat(new MpichDriver("4.0.2", ".mpich").yieldWhenIdle())
                .containsEntry("MPIR_CVAR_POLLS_BEFORE_YIELD", "1")
                .containsEntry("MPIR_CVAR_CH4_PROGRESS_THROTTLE", "1");
    }
}
