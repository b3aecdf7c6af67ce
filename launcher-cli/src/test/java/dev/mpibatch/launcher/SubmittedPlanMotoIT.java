package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.s3.S3Client;

/** What a submit stages for the nodes (against moto): the plan the agents read carries the job's whole environment. */
class SubmittedPlanMotoIT {
    private static MotoServer moto;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void clearRequests() {
        RecordingInterceptor.clear();
    }

    static Cli submit(Path job, String... extra) {
        List<String> tail = new ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", "img:1",
                "--bucket", MotoServer.BUCKET));
        tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
        tail.addAll(List.of(extra));
        tail.addAll(moto.awsArgs());
        return Cli.run(moto.env(), tail, "submit", job.toString());
    }

    /** The plan staged for the job whose SubmitJob request is {@code submit}, as an agent reads it. */
    static JobSpec stagedPlan(SubmitJobRequest submit) {
        String planUri = MpiBatchLauncher.environmentOf(submit).get("MPI_BATCH_PLAN");
        String key = planUri.substring(("s3://" + MotoServer.BUCKET + "/").length());
        try (S3Client s3 = moto.clients().s3()) {
            return PlanParser.parse(s3.getObjectAsBytes(b -> b.bucket(MotoServer.BUCKET).key(key)).asByteArray(), planUri);
        }
    }

    @Test
    void submit_stagesTheJobsEnvWithTheEnvOptionsOverIt() throws Exception {
        Path job = Files.writeString(dir.resolve("job.yaml"), String.join("\n", "name: env-plan", "nodes: 2",
                "env: {OMP_NUM_THREADS: 4, MODE: from-the-file}", "steps:", "  - sh: echo $MODE",
                "    env: {MODE: from-the-step}", ""));

        Cli run = submit(job, "--env", "MODE=from-the-flag", "--env", "EXTRA=1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        SubmitJobRequest sent = RecordingInterceptor.requests(SubmitJobRequest.class).get(0);
        JobSpec plan = stagedPlan(sent);
        assertThat(plan.schemaVersion()).isEqualTo(2);
        assertThat(plan.env()).containsExactly(Map.entry("EXTRA", "1"), Map.entry("MODE", "from-the-flag"),
                Map.entry("OMP_NUM_THREADS", "4"));
        assertThat(plan.steps().get(0).env()).containsExactly(Map.entry("MODE", "from-the-step"));
        assertThat(MpiBatchLauncher.environmentOf(sent)).as("the containers get --env too, as before")
                .containsEntry("MODE", "from-the-flag").containsEntry("EXTRA", "1")
                .doesNotContainKey("OMP_NUM_THREADS");
    }

    @Test
    void submit_ofAJobWithoutNewFields_stagesAVersion1Plan_whichOlderNodeImagesRead() {
        Cli run = submit(MotoServer.cHello());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(stagedPlan(RecordingInterceptor.requests(SubmitJobRequest.class).get(0)).schemaVersion()).isEqualTo(1);
    }
}
