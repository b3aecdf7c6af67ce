package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/mpi-batch records its class-data-sharing archive from {@code cds-training}: if the training stopped short of a
 * full submit, the CLI would silently start slower. These tests keep the canned endpoint in step with submit.
 */
class CdsTrainingTest {

    @Test
    void training_exitsZero() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"cds-training"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void cannedEndpoint_takesAWholeSubmit_definitionStagingAndSubmitJob(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("in.txt"), "input");
        Files.writeString(dir.resolve("job.yaml"), "name: t\nnodes: 2\nfiles: [in.txt]\nsteps:\n  - sh: 'true'\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CannedAws aws = CannedAws.start()) {
            int code = Main.run(new String[] {"submit", dir.resolve("job.yaml").toString(), "--image", "i", "--queue",
                    "q", "--bucket", "mpi-batch-training", "--endpoint-url", aws.endpoint(), "--job-role-arn",
                    "arn:aws:iam::000000000000:role/training", "--vcpus", "2", "--memory", "3584"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                    Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b", "AWS_REGION", "us-east-1"));

            assertThat(code).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).strip()).isEqualTo("training");
            assertThat(aws.requests()).contains("POST /v1/describejobqueues", "POST /v1/describejobdefinitions",
                    "POST /v1/describecomputeenvironments", "POST /v1/registerjobdefinition", "POST /v1/submitjob");
            assertThat(aws.requests()).filteredOn(r -> r.startsWith("PUT /mpi-batch-training/")).hasSize(2);
        }
    }
}
