package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to submit: a clear message, exit 2, and not one AWS request (the endpoint does not even exist).
 * Bad job files are in the corpus ({@link BadInputCorpusTest}); these are the inputs that come from elsewhere.
 */
class SubmitBadInputTest {
    private static final List<String> AWS = List.of("--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1");
    private static final Map<String, String> ENV = Map.of("AWS_ACCESS_KEY_ID", "x", "AWS_SECRET_ACCESS_KEY", "y",
            "HOME", System.getProperty("java.io.tmpdir"));

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        RecordingInterceptor.clear();
    }

    private Cli submit(Path job, String... extra) {
        List<String> tail = new java.util.ArrayList<>(List.of("--queue", "q", "--bucket", "bucket-1"));
        if (!List.of(extra).contains("--no-role-or-size")) {
            tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
        }
        if (!List.of(extra).contains("--image")) {
            tail.addAll(List.of("--image", "img:1"));
        }
        tail.addAll(List.of(extra).stream().filter(e -> !e.equals("--no-role-or-size")).toList());
        tail.addAll(AWS);
        return Cli.run(ENV, tail, "submit", job.toString());
    }

    private void assertUsageErrorWithoutAws(Cli run, String message) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        assertThat(RecordingInterceptor.requests()).as("no AWS request for bad input").isEmpty();
    }

    @Test
    void emptyImage() {
        assertUsageErrorWithoutAws(submit(MotoServer.cHello(), "--image", ""), "the image is empty");
    }

    @Test
    void submitRequestOverTheSizeLimit() {
        assertUsageErrorWithoutAws(submit(MotoServer.cHello(), "--env", "BIG=" + "x".repeat(31 * 1024)),
                "over Batch's 30720");
    }

    @Test
    void missingQueue() {
        Cli run = Cli.run(ENV, List.of("--image", "img:1", "--bucket", "bucket-1", "--endpoint-url", "http://127.0.0.1:9"),
                "submit", MotoServer.cHello().toString());

        assertUsageErrorWithoutAws(run, "--queue is required");
    }

    /**
     * The longest name the validator lets through makes names AWS accepts: the job definition {@code mpi-batch-<name>}
     * and the SubmitJob job name at most 128 characters of letters, digits, '-' and '_'; the staging key well under
     * S3's 1,024 bytes. One character more is refused up front (the corpus's name-119-characters.yaml).
     */
    @Test
    void longestAllowedName_makesDefinitionJobAndKeyNamesWithinAwsLimits() throws Exception {
        String name = "n".repeat(dev.mpibatch.plan.JobSpecValidator.MAX_NAME_LENGTH);
        Path job = java.nio.file.Files.writeString(dir.resolve("long.yaml"),
                "name: " + name + "\nnodes: 2\nsteps:\n  - sh: x\n");

        Cli run = submit(job, "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out());
        String definition = json.path("registerJobDefinition").path("jobDefinitionName").asText();
        String jobName = json.path("submitJob").path("jobName").asText();
        assertThat(definition).hasSize(128).matches("[A-Za-z0-9_-]+");
        assertThat(jobName).hasSizeLessThanOrEqualTo(128).matches("[A-Za-z0-9_-]+");
        json.path("stagedObjects").forEach(key -> assertThat(key.toString().length()).isLessThan(1024));
        assertThat(RecordingInterceptor.requests()).isEmpty();
    }

    /**
     * With --endpoint-url (an emulator) the nodes are told it as their S3 endpoint, so that they read the plan and
     * rendezvous where the launcher wrote them; without it they use AWS's S3 and are told nothing.
     */
    @Test
    void endpointUrl_isTheNodesS3Endpoint() throws Exception {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var withEndpoint = mapper.readTree(submit(MotoServer.cHello(), "--dry-run").out());
        var env = withEndpoint.path("submitJob").path("nodeOverrides").path("nodePropertyOverrides").path(0)
                .path("containerOverrides").path("environment").toString();
        assertThat(env).contains("{\"name\":\"MPI_BATCH_S3_ENDPOINT\",\"value\":\"" + AWS.get(AWS.indexOf("--endpoint-url") + 1)
                + "\"}");

        Cli plain = Cli.run(ENV, List.of("--queue", "q", "--bucket", "bucket-1", "--image", "img:1", "--job-role-arn",
                MotoServer.JOB_ROLE, "--instance-type", "c6i.large", "--region", "us-east-1", "--dry-run"), "submit",
                MotoServer.cHello().toString());
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        assertThat(plain.out()).doesNotContain("MPI_BATCH_S3_ENDPOINT");
    }

    @Test
    void noJobRole_isRefusedNamingTheFlagAndTheStack() {
        Cli run = submit(MotoServer.cHello(), "--no-role-or-size", "--instance-type", "c6i.large");

        assertUsageErrorWithoutAws(run, "no job role");
        assertThat(run.err()).contains("--job-role-arn", "mpi-batch configure --stack", "--use-instance-role");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void noJobRole_withUseInstanceRole_isNotRefusedForIt() {
        Cli run = submit(MotoServer.cHello(), "--no-role-or-size", "--instance-type", "c6i.large", "--use-instance-role");

        assertThat(run.exitCode()).as("it got as far as the (dead) endpoint").isEqualTo(3);
        assertThat(run.err()).doesNotContain("no job role");
    }

    @Test
    void noNodeSize_withoutAnInstanceType_isRefusedNamingVcpusAndMemory() {
        Cli run = submit(MotoServer.cHello(), "--no-role-or-size", "--job-role-arn", MotoServer.JOB_ROLE);

        assertUsageErrorWithoutAws(run, "vCPUs and memory per node are not set: no instance type is given");
        assertThat(run.err()).contains("--vcpus", "--memory", "--instance-type");
    }

    @Test
    void noNodeSize_withAnInstanceTypeNotInTheTable_isRefusedNamingIt() {
        Cli run = submit(MotoServer.cHello(), "--no-role-or-size", "--job-role-arn", MotoServer.JOB_ROLE,
                "--instance-type", "x2iedn.metal");

        assertUsageErrorWithoutAws(run, "instance type x2iedn.metal is not in mpi-batch's table of sizes");
    }

    @Test
    void moreVcpusOrMemoryThanTheInstanceTypeHas_isRefusedNamingBoth() {
        Cli run = submit(MotoServer.cHello(), "--no-role-or-size", "--job-role-arn", MotoServer.JOB_ROLE,
                "--instance-type", "c6i.large", "--vcpus", "4", "--memory", "8192");

        assertUsageErrorWithoutAws(run, "4 vCPUs per node are more than a c6i.large has (2), so no instance could "
                + "take a node: ask for at most 2 (--vcpus)");
        assertThat(run.err()).contains("8192 MiB per node are more than a c6i.large has (4096 MiB)")
                .contains("ask for at most 3584 (--memory");
    }

    @Test
    void dryRunWithWait() {
        assertUsageErrorWithoutAws(submit(MotoServer.cHello(), "--dry-run", "--wait"), "--dry-run and --wait exclude each other");
    }
}
