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
