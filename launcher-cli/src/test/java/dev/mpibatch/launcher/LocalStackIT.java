package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;

import software.amazon.awssdk.services.batch.model.BatchException;

/**
 * The submit suite against LocalStack through Testcontainers, where a Docker engine exists. These machines have none
 * (moto runs the same checks here, see SubmitMotoIT), so the test says so and skips. It needs LocalStack's Batch
 * API (a queue named like moto's must exist there); it has never run on these machines.
 */
class LocalStackIT {

    @Test
    void submitWait_againstLocalStack() throws Exception {
        Assumptions.assumeTrue(dockerAvailable(), "skipped: no Docker engine on this machine for LocalStack; "
                + "SubmitMotoIT runs the same submit, wait, status and logs checks against moto");
        try (LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
                .withServices(Service.S3, Service.CLOUDWATCHLOGS, Service.IAM)) {
            localStack.start();
            String endpoint = localStack.getEndpoint().toString();
            Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", localStack.getAccessKey(),
                    "AWS_SECRET_ACCESS_KEY", localStack.getSecretKey(), "AWS_REGION", localStack.getRegion(),
                    "PATH", System.getenv("PATH"), "HOME", System.getProperty("java.io.tmpdir")));
            var clients = new dev.mpibatch.launcher.aws.AwsClients(java.util.Optional.of(localStack.getRegion()),
                    java.util.Optional.of(endpoint), java.util.Optional.empty(), env);
            try (var s3 = clients.s3(); var batch = clients.batch()) {
                s3.createBucket(b -> b.bucket(MotoServer.BUCKET));
                try {
                    batch.describeJobQueues();
                } catch (BatchException e) {
                    Assumptions.abort("skipped: this LocalStack image has no Batch API (" + e.getMessage() + ")");
                }
            }
            List<String> tail = new java.util.ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", "img:1",
                    "--bucket", MotoServer.BUCKET, "--wait", "--endpoint-url", endpoint));
            tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            Cli run = Cli.run(env, tail, "submit", MotoServer.cHello().toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out().lines().findFirst()).isPresent();
            assertThat(run.err()).contains("SUCCEEDED");
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
