package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A job that fails on Batch: --wait reports it and exits 1, as a CI job relying on the exit code needs. */
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
            assertThat(run.err()).contains("job " + jobId + ": FAILED").contains("job " + jobId + " FAILED");
        }
    }
}
