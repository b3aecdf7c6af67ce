package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanCodec;
import dev.mpibatch.plan.PlanParser;
import dev.mpibatch.testing.S3ProxyFixture;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What a node on Batch does first: read the plan the launcher staged in S3 and fetch the job's files. */
class StagedPlanIT {
    @TempDir
    Path work;

    @Test
    void planAndFiles_comeFromTheStagingPrefix() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start(); S3Client client = s3.client()) {
            s3.createBucket("staging");
            JobSpec spec = PlanParser.parse("name: staged\nnodes: 2\nfiles: [hello.c, data/in.txt]\nsteps:\n  - sh: ls\n", "job.yaml");
            String prefix = "mpi-batch/jobs/staged-1/";
            client.putObject(b -> b.bucket("staging").key(prefix + "plan.json"), RequestBody.fromString(PlanCodec.toJson(spec)));
            client.putObject(b -> b.bucket("staging").key(prefix + "files/hello.c"), RequestBody.fromString("int main(){}"));
            client.putObject(b -> b.bucket("staging").key(prefix + "files/data/in.txt"), RequestBody.fromString("1 2 3"));

            JobSpec loaded = PlanLoader.load("s3://staging/" + prefix + "plan.json", () -> client);
            StagedFiles.fetch("s3://staging/" + prefix + "files/", loaded.files(), work, () -> client);

            assertThat(loaded).isEqualTo(spec);
            assertThat(Files.readString(work.resolve("hello.c"))).isEqualTo("int main(){}");
            assertThat(Files.readString(work.resolve("data/in.txt"))).isEqualTo("1 2 3");
            assertThatThrownBy(() -> StagedFiles.fetch("s3://staging/" + prefix + "files/", List.of("missing.c"), work,
                    () -> client)).hasMessageContaining("cannot download the staged file s3://staging/" + prefix + "files/missing.c");
        }
    }
}
