package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.Requirements;

/** Every example runs on 3 namespace hosts and passes its own checks, not only exits 0. */
class ExamplesIT {

    private static final Pattern RANK_LINE = Pattern.compile(
            "^\\[node (\\d+)] hello from rank (\\d+) of 6 on c-hello-(\\d+)$", Pattern.MULTILINE);

    @BeforeEach
    void requirements() {
        Requirements.requireNamespaces();
        Requirements.requireSshd();
        Requirements.requireOpenMpi();
        Requirements.require(Requirements.onPath("mpirun.mpich"), "MPICH (apt-get install mpich libmpich-dev)");
        Requirements.require(Requirements.onPath("python3") && java.nio.file.Files.isRegularFile(
                java.nio.file.Path.of("/usr/lib/python3/dist-packages/mpi4py/__init__.py")),
                "python3-mpi4py and python3-numpy (docker/install-runtime.sh installs them)");
    }

    private static LocalRun example(String name, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("local",
                LocalRun.examples().resolve(name + "/job.yaml").toString(), "--nodes", "3"));
        args.addAll(java.util.List.of(extra));
        LocalRun run = LocalRun.run(Map.of(), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        Leftovers.assertNone(run.runId());
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"openmpi", "mpich"})
    void cHello_underEachMpi_runsSixRanksEachLabelledWithItsNode(String mpi) {
        LocalRun run = example("c-hello", "--mpi", mpi);

        assertThat(run.err()).contains(mpi.equals("mpich") ? "MPI: MPICH 4" : "MPI: Open MPI 4");
        Matcher m = RANK_LINE.matcher(run.out());
        java.util.Set<String> ranks = new java.util.HashSet<>();
        while (m.find()) {
            assertThat(m.group(1)).isEqualTo(m.group(3));
            ranks.add(m.group(2));
        }
        assertThat(ranks).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
    }

    @Test
    void pythonHello_everyRankReceivesRankZerosMessage() {
        LocalRun run = example("python-hello");

        Pattern received = Pattern.compile("^\\[node (\\d)] rank (\\d) of 6 on python-hello-(\\d) received 'hello rank (\\d)'"
                + " from rank 0 on python-hello-0 \\(ok\\)$", Pattern.MULTILINE);
        Matcher m = received.matcher(run.out());
        int count = 0;
        while (m.find()) {
            count++;
            assertThat(m.group(1)).isEqualTo(m.group(3));
            assertThat(m.group(2)).isEqualTo(m.group(4));
        }
        assertThat(count).isEqualTo(5);
        assertThat(run.out()).contains("[node 0] check passed: 5 of 5 ranks received their message");
    }

    @Test
    void numpy_collectivesAndHandWrittenAllreducePassTheirChecks() {
        LocalRun run = example("numpy");

        assertThat(run.out()).contains("check passed: Bcast of 65536 doubles",
                "check passed: Scatter of 65536 integers to each of 6 ranks",
                "check passed: Gather of every rank's slice in rank order",
                "check passed: ring allreduce of 65536 doubles equals MPI Allreduce");
        assertThat(run.out()).doesNotContain("FAILED");
    }

    @Test
    void graph_distributedAlgorithmsMatchTheSingleProcessOnes() {
        LocalRun run = example("graph");

        assertThat(run.out()).contains("[node 0] graph: R-MAT scale 16, 65536 vertices, 524288 edges, seed 42, 6 ranks")
                .containsPattern("check passed: BFS from vertex 0: \\d+ levels, \\d+ vertices reached")
                .containsPattern("check passed: WCC: \\d+ components")
                .containsPattern("check passed: PageRank: 20 iterations")
                .contains("timing: bfs", "timing: wcc", "timing: pagerank");
        assertThat(run.out()).doesNotContain("FAILED");
    }
}
