package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.mpibatch.testing.Requirements;

/**
 * Issue 12 part 2: a local cluster's hosts share this machine's cores, so when their slots add up to more than its
 * cores the agent tells MPI to yield, and every rank, on every host, sees the setting; with a core per rank it does
 * not. The ranks print the variable as they received it from the launcher.
 */
class SharedCoresIT {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"openmpi, OMPI_MCA_mpi_yield_when_idle", "mpich, MPIR_CVAR_POLLS_BEFORE_YIELD"})
    void ranksOutnumberingTheMachinesCores_everyRankIsToldToYield(String mpi, String variable) throws Exception {
        if (mpi.equals("mpich")) {
            Requirements.requireMpich();
        }
        int hosts = 3;
        LocalRun run = run(mpi, variable, hosts, CORES);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains(hosts * CORES + " ranks on " + CORES + (CORES == 1 ? " core" : " cores")
                + " (nodes 0, 1, 2 share one machine): telling");
        for (int host = 0; host < hosts; host++) {
            assertThat(run.out()).as("ranks on host %d", host)
                    .contains("yield " + variable + "=1 on yield-" + host);
        }
        assertThat(run.out()).doesNotContain("=unset");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"openmpi, OMPI_MCA_mpi_yield_when_idle", "mpich, MPIR_CVAR_POLLS_BEFORE_YIELD"})
    void aCorePerRank_nothingIsSet(String mpi, String variable) throws Exception {
        if (mpi.equals("mpich")) {
            Requirements.requireMpich();
        }
        Requirements.require(CORES >= 2, "a machine with at least 2 cores (this one has " + CORES + ")");
        LocalRun run = run(mpi, variable, 2, CORES / 2);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("telling");
        assertThat(run.out()).contains("yield " + variable + "=unset on yield-0", "yield " + variable + "=unset on yield-1")
                .doesNotContain(variable + "=1");
    }

    private LocalRun run(String mpi, String variable, int hosts, int slots) throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("yield.yaml"), "yield", hosts,
                "steps:",
                "  - exec:",
                "      program: sh",
                "      programArgs: [-c, 'echo \"yield " + variable + "=${" + variable + ":-unset} on $(hostname)\"']");
        // writeJob gives each host one slot; --slots-per-node says how many here.
        return LocalRun.run(Map.of(), "local", job.toString(), "--mpi", mpi, "--slots-per-node",
                Integer.toString(slots));
    }
}
