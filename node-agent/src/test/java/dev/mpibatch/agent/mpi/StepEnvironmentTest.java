package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.plan.Step;

/** What the plan's programs see: named parts only, never the rest of the agent's environment. */
class StepEnvironmentTest {
    private static final Map<String, String> NODE = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root",
            "LC_ALL", "C.UTF-8", "AWS_BATCH_JOB_NODE_INDEX", "0", "MPI_BATCH_PLAN", "s3://b/plan.json",
            "CALLERS_SECRET", "from the shell", "AWS_SECRET_ACCESS_KEY", "secret", "AWS_REGION", "eu-west-1");

    @TempDir
    Path dir;

    @Test
    void of_keepsOnlyTheNamedNodeVariables_thenMpi_thenTheJobsEnv() {
        StepEnvironment env = StepEnvironment.of(NODE, Map.of("OMPI_MCA_btl", "self,tcp", "MPI_BATCH_NUM_NODES", "3"),
                Map.of("OMPI_MCA_btl", "self,vader,tcp", "OMP_NUM_THREADS", "2"));

        assertThat(env.job()).containsOnly(Map.entry("PATH", "/usr/bin:/bin"), Map.entry("HOME", "/root"),
                Map.entry("LC_ALL", "C.UTF-8"), Map.entry("AWS_REGION", "eu-west-1"),
                Map.entry("MPI_BATCH_NUM_NODES", "3"),
                Map.entry("OMPI_MCA_btl", "self,vader,tcp"), Map.entry("OMP_NUM_THREADS", "2"));
        assertThat(env.forStep(new Step.Sh("x", Map.of("OMP_NUM_THREADS", "8"))))
                .containsEntry("OMP_NUM_THREADS", "8").containsEntry("PATH", "/usr/bin:/bin");
    }

    @Test
    void exported_namesAllButWhatOpenMpiForwardsItself_andTheLauncherFile() {
        assertThat(StepEnvironment.exported(Map.of("PATH", "/bin", "OMPI_MCA_btl", "tcp", "PMIX_X", "1", "A", "b")))
                .containsExactly("A", ClusterFiles.LAUNCHER_OUTPUT, "PATH");
    }

    @Test
    void shStep_seesExactlyTheJobsAndItsOwnVariables_notTheAgents() {
        StepEnvironment env = StepEnvironment.of(Map.of("PATH", System.getenv("PATH"), "CALLERS_SECRET", "x"),
                Map.of("MPI_BATCH_NUM_NODES", "1"), Map.of("JOB_VAR", "job", "BOTH", "job"));
        List<String> lines = new ArrayList<>();
        MpiCluster cluster = new MpiCluster(new Roster("job", 1, List.of()), ClusterFiles.in(dir), "10.0.0.0/24",
                "eth0", false, false);
        StepRunner runner = new StepRunner(dir, dir.resolve("spool"), env.job(), new OpenMpiDriver("4.1.4", ".openmpi"),
                cluster, null, Duration.ZERO, (text, stderr) -> {
                    synchronized (lines) {
                        lines.add(text);
                    }
                });

        int code = runner.run(List.of(new Step.Sh("env | cut -d= -f1 | sort | tr '\\n' ' '; echo; echo $BOTH",
                Map.of("BOTH", "step"))));

        assertThat(code).isZero();
        // sh itself adds PWD (and dash nothing else); the agent's CALLERS_SECRET and the JVM's variables never arrive.
        assertThat(lines.get(0).strip().split(" ")).containsOnly("BOTH", "JOB_VAR", "MPI_BATCH_LAUNCHER_OUTPUT",
                "MPI_BATCH_NUM_NODES", "PATH", "PWD");
        assertThat(lines.get(1)).isEqualTo("step");
    }
}
