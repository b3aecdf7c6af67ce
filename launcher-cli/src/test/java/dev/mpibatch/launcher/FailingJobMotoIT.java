package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * A job that fails on Batch: --wait ends with one summary (elapsed time, nodes, where the logs are) and exits non-zero,
 * as a CI job relying on the exit code needs (moto's failed jobs have no exit code: 1).
 */
class FailingJobMotoIT {

    @Test
    void submitWait_whenJobFails_exitsOneWithTheReason() throws Exception {
        try (MotoServer moto = MotoServer.start(true)) {
            List<String> tail = new java.util.ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", "img:1",
                    "--bucket", MotoServer.BUCKET, "--wait"));
            tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            tail.addAll(moto.awsArgs());

            Cli run = Cli.run(moto.env(), tail, "submit", MotoServer.cHello().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            String jobId = run.out().lines().findFirst().orElseThrow();
            assertThat(run.err()).containsPattern("job " + jobId + " \\(c-hello\\) FAILED after [0-9.]+m?s")
                    .contains("logs: mpi-batch logs " + jobId + " --all");
            assertThat(run.err().lines().filter(l -> l.contains("FAILED") && l.contains(jobId))).as("said once")
                    .hasSize(1);

            Cli waited = Cli.run(moto.env(), moto.awsArgs(), "wait", jobId);
            assertThat(waited.exitCode()).isEqualTo(1);
            assertThat(waited.err()).contains("job " + jobId + " (c-hello) FAILED after ");
        }
    }
}
