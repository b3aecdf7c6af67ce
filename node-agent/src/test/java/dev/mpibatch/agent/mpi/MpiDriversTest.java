package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.plan.Step;

/** What each MPI flavour is told: hostfile, environment, command lines. */
class MpiDriversTest {
    private static final Path STATE = Path.of("/run/mpi-batch/state");
    private static final Step.Mpi HELLO = new Step.Mpi(Step.Launcher.EXEC, List.of(), "./hello", List.of("x"));

    private static MpiCluster cluster(boolean root) {
        Roster roster = new Roster("job", 1, List.of(
                new NodeRecord("job", 1, 0, "10.0.0.2", 2222, 2, "h0", "u", "h", "t"),
                new NodeRecord("job", 1, 1, "10.0.0.3", 2222, 3, "h1", "u", "h", "t")));
        return new MpiCluster(roster, ClusterFiles.in(STATE), "10.0.0.0/24", "eth0", root, false);
    }

    @Test
    void fromVersion_recognisesOpenMpi4And5AndMpich() {
        assertThat(MpiDrivers.fromVersion("mpirun (Open MPI) 4.1.4\n\nReport bugs to ...", ".openmpi"))
                .hasValueSatisfying(d -> assertThat(d.description()).isEqualTo("Open MPI 4.1.4"));
        assertThat(MpiDrivers.fromVersion("mpirun (Open MPI) 5.0.3", ""))
                .hasValueSatisfying(d -> assertThat(d.description()).isEqualTo("Open MPI 5.0.3"));
        assertThat(MpiDrivers.fromVersion("HYDRA build details:\n    Version:                 4.0.2\n", ".mpich"))
                .hasValueSatisfying(d -> assertThat(d.description()).isEqualTo("MPICH 4.0.2"));
        assertThat(MpiDrivers.fromVersion("Intel(R) MPI Library", "")).isEmpty();
    }

    @Test
    void openMpi4_usesOrteNamesAndOurSshConfig() {
        OpenMpiDriver driver = new OpenMpiDriver("4.1.4", ".openmpi");

        assertThat(driver.hostfile(cluster(true))).isEqualTo("10.0.0.2 slots=2\n10.0.0.3 slots=3\n");
        assertThat(driver.environment(cluster(true)))
                .containsEntry("OMPI_MCA_plm_rsh_agent", STATE.resolve("launcher-ssh").toString())
                .doesNotContainKeys("OMPI_MCA_plm_rsh_args")
                .containsEntry("OMPI_MCA_orte_default_hostfile", STATE.resolve("hostfile").toString())
                .containsEntry("OMPI_MCA_btl_tcp_if_include", "10.0.0.0/24")
                .containsEntry("OMPI_MCA_oob_tcp_if_include", "10.0.0.0/24")
                .containsEntry("OMPI_ALLOW_RUN_AS_ROOT", "1").containsEntry("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
                .containsEntry("MPI_BATCH_NUM_NODES", "2")
                .containsEntry("OMPI_MCA_btl", Files.isDirectory(Path.of("/dev/infiniband")) ? "^openib" : "self,vader,tcp")
                .doesNotContainKeys("PRTE_MCA_plm_ssh_agent");
        assertThat(driver.environment(cluster(false))).doesNotContainKeys("OMPI_ALLOW_RUN_AS_ROOT");
        assertThat(driver.launch(HELLO, cluster(true))).containsExactly("mpiexec.openmpi", "--hostfile",
                STATE.resolve("hostfile").toString(), "--display-map", "--tag-output", "./hello", "x");
    }

    @Test
    void openMpi5_usesPrrteNamesBecauseOrteOnesAreSilentlyIgnored() {
        OpenMpiDriver driver = new OpenMpiDriver("5.0.3", "");
        Map<String, String> env = driver.environment(cluster(true));

        assertThat(env).containsEntry("PRTE_MCA_plm_ssh_agent", STATE.resolve("launcher-ssh").toString())
                .containsEntry("PRTE_MCA_prte_default_hostfile", STATE.resolve("hostfile").toString())
                .containsEntry("PRTE_MCA_oob_tcp_if_include", "10.0.0.0/24")
                .containsEntry("OMPI_MCA_btl_tcp_if_include", "10.0.0.0/24")
                .containsEntry("PRTE_ALLOW_RUN_AS_ROOT", "1")
                .doesNotContainKeys("OMPI_MCA_plm_rsh_agent", "OMPI_MCA_orte_default_hostfile", "OMPI_MCA_btl");
        assertThat(driver.launch(HELLO, cluster(true))).containsExactly("mpiexec", "--hostfile",
                STATE.resolve("hostfile").toString(), "./hello", "x");
    }

    @Test
    void mpich_usesHydraHostfileSshWrapperAndInterface() {
        MpichDriver driver = new MpichDriver("4.0.2", ".mpich");

        assertThat(driver.hostfile(cluster(true))).isEqualTo("10.0.0.2:2\n10.0.0.3:3\n");
        assertThat(driver.environment(cluster(true))).containsEntry("HYDRA_LAUNCHER_EXEC", STATE.resolve("cluster-ssh").toString())
                .containsEntry("UCX_NET_DEVICES", "eth0").doesNotContainKeys("OMPI_ALLOW_RUN_AS_ROOT");
        assertThat(driver.launch(HELLO, cluster(true))).containsExactly("mpiexec.mpich", "-f",
                STATE.resolve("hostfile").toString(), "-launcher", "ssh", "-launcher-exec",
                STATE.resolve("cluster-ssh").toString(), "-iface", "eth0", "-n", "5", "-prepend-pattern", "\u0001%r\u0002",
                "./hello", "x");
        assertThat(driver.launch(new Step.Mpi(Step.Launcher.RUN, List.of("-n", "2"), "./a", List.of()), cluster(true)))
                .doesNotContain("-prepend-pattern").containsSequence("-n", "2", "./a");
    }

    @Test
    void mpichLabeler_mapsRanksToNodesBySlots() {
        List<String> out = new ArrayList<>();
        OutputSink labeler = new MpichDriver("4.0.2", "").output(HELLO, cluster(true), (t, e) -> out.add(t));

        for (String line : List.of("\u00010\u0002a", "\u00011\u0002b", "\u00012\u0002c", "\u00014\u0002d",
                "\u00019\u0002e", "plain", "[3] text that looks like -prepend-rank's")) {
            labeler.line(line, false);
        }

        assertThat(out).containsExactly("[node 0] a", "[node 0] b", "[node 1] c", "[node 1] d", "[rank 9] e", "plain",
                "[3] text that looks like -prepend-rank's");
    }

    /** As Hydra wrote it when two ranks' chunks ended mid-line: each rank's line is put back together. */
    @Test
    void mpichLabeler_whenChunksOfRanksInterleaveMidLine_joinsEachRanksLine() {
        List<String> out = new ArrayList<>();
        OutputSink labeler = new MpichDriver("4.0.2", "").output(HELLO, cluster(true),
                (t, e) -> out.add((e ? "E " : "O ") + t));

        labeler.line("\u00010\u0002r0 begins\u00012\u0002r2 begins\u00010\u0002 and ends", false);
        labeler.line("\u00012\u0002 stderr of r2", true);
        labeler.line("\u00012\u0002 and ends", false);
        labeler.line("\u00014\u0002no line end\u00010\u0002last", false);
        labeler.end();

        assertThat(out).containsExactly("O [node 0] r0 begins and ends", "E [node 1]  stderr of r2",
                "O [node 1] r2 begins and ends", "O [node 0] last", "O [node 1] no line end");
    }
}
