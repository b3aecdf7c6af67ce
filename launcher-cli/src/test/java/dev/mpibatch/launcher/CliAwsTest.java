package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS-facing commands as a user meets them, in-process against {@link FakeAws}: which region a call is signed
 * for (and where that came from), global options on either side of the command, one-line credential errors, the
 * JSON shape, {@code wait --timeout} and {@code logs} refusing what cannot be shown.
 */
class CliAwsTest {
    private static final String JOB = "0f1e2d3c-0000-4000-8000-000000000001";

    @TempDir
    Path home;

    private FakeAws aws;

    @BeforeEach
    void start() throws Exception {
        aws = FakeAws.start();
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b",
                "HOME", home.toString(), "PATH", System.getenv("PATH")));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void globalOptions_beforeOrAfterTheCommand_meanTheSame() {
        aws.answer("/v1/describejobs", "{\"jobs\":[]}");

        Cli before = Cli.run(env(), List.of(), "--region", "eu-west-3", "--endpoint-url", aws.endpoint(), "status", JOB);
        Cli after = Cli.run(env(), List.of(), "status", JOB, "--region", "eu-west-3", "--endpoint-url", aws.endpoint());

        for (Cli run : List.of(before, after)) {
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).contains("job " + JOB + " not found in region eu-west-3")
                    .contains("the region came from --region");
        }
        assertThat(aws.requests()).extracting(FakeAws.Request::region).containsOnly("eu-west-3");
    }

    @Test
    void profile_givesItsRegionAndCredentials_andTheMessageSaysSo() throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), "[profile moto]\nregion = ap-south-1\n");
        Files.writeString(home.resolve(".aws/credentials"), "[moto]\naws_access_key_id = k\naws_secret_access_key = s\n");
        aws.answer("/v1/describejobs", "{\"jobs\":[]}");
        Map<String, String> noKeys = Map.of("HOME", home.toString(), "PATH", System.getenv("PATH"));

        Cli run = Cli.run(noKeys, List.of(), "status", JOB, "--profile", "moto", "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("not found in region ap-south-1")
                .contains("the region came from profile moto in " + home.resolve(".aws/config"));
        assertThat(aws.requests()).extracting(FakeAws.Request::region).containsOnly("ap-south-1");
    }

    @Test
    void profile_unknown_isBadInputNamingIt() {
        Cli run = Cli.run(Map.of("HOME", home.toString()), List.of(), "status", JOB, "--profile", "nope",
                "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("AWS profile 'nope' is in neither").contains("aws configure --profile nope");
        assertThat(aws.requests()).isEmpty();
    }

    @Test
    void noCredentials_oneShortLineSayingWhatToRun() {
        // Nothing of this machine's AWS set-up: no instance metadata, no profile files.
        Map<String, String> saved = new HashMap<>();
        for (String property : List.of("aws.disableEc2Metadata", "aws.configFile", "aws.sharedCredentialsFile")) {
            saved.put(property, System.getProperty(property));
        }
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.configFile", home.resolve("none").toString());
        System.setProperty("aws.sharedCredentialsFile", home.resolve("none").toString());
        try {
            org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null
                    && System.getenv("AWS_PROFILE") == null, "this machine's environment has AWS credentials");

            Cli run = Cli.run(Map.of("HOME", home.toString()), List.of(), "status", JOB, "--region", "us-east-1",
                    "--endpoint-url", aws.endpoint());

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().strip()).isEqualTo("mpi-batch: no AWS credentials found: run 'aws configure' (or "
                    + "'aws sso login'), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME");
            assertThat(aws.requests()).isEmpty();
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    @Test
    void statusJson_hasMpiBatchsShape_isoTimesAndNullsPresent() throws Exception {
        aws.answer("/v1/describejobs", FakeAws.job(JOB, "RUNNABLE", 2, ""));

        Cli run = Cli.run(env(), List.of(), "status", JOB, "--output", "json", "--region", "us-east-1",
                "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(json.path("jobId").asText()).isEqualTo(JOB);
        assertThat(json.path("createdAt").asText()).isEqualTo("2023-11-14T22:13:20Z");
        for (String field : List.of("startedAt", "stoppedAt", "exitCode", "statusReason")) {
            assertThat(json.has(field)).as(field).isTrue();
            assertThat(json.get(field).isNull()).as(field).isTrue();
        }
        assertThat(json.path("numNodes").asInt()).isEqualTo(2);
        assertThat(json.path("nodes").isArray()).isTrue();
    }

    @Test
    void wait_timeout_exits124AndSaysTheJobGoesOn() {
        aws.answer("/v1/describejobs", FakeAws.job(JOB, "RUNNING", 2, ""));

        Cli run = Cli.run(env(), List.of(), "wait", JOB, "--timeout", "1s", "--region", "us-east-1",
                "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(124);
        assertThat(run.err()).contains("job " + JOB + " is still RUNNING after 1.0s (--timeout); it goes on")
                .contains("mpi-batch wait " + JOB);
    }

    @Test
    void wait_ofAJobThatFailed_printsTheSummaryAndExitsWithTheMainNodesCode() {
        aws.answer("/v1/describejobs", FakeAws.job(JOB, "FAILED", 1, ",\"stoppedAt\":1700000012000,"
                + "\"statusReason\":\"Essential container in task exited\",\"container\":{\"exitCode\":7}"));

        Cli run = Cli.run(env(), List.of(), "wait", JOB, "--region", "us-east-1", "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(run.err()).contains("job " + JOB + " (c-hello) FAILED after 12.0s: main node exited with 7 "
                + "(Essential container in task exited)").contains("logs: mpi-batch logs " + JOB + " --all");
    }

    @Test
    void logs_nodeBeyondTheJob_isBadInputNamingTheNodes() {
        aws.answer("/v1/describejobs", FakeAws.job(JOB, "RUNNING", 3, ""));

        Cli run = Cli.run(env(), List.of(), "logs", JOB, "--node", "5", "--region", "us-east-1", "--endpoint-url",
                aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--node 5: job " + JOB + " has 3 nodes (0 to 2)");
        assertThat(aws.requests()).extracting(FakeAws.Request::operation).doesNotContain("Logs_20140328.GetLogEvents");
    }

    @Test
    void logs_groupMissing_failsNamingTheGroup() {
        aws.answer("/v1/describejobs", FakeAws.job(JOB, "RUNNING", 1, ",\"container\":{\"logStreamName\":\"s/1\"}"));
        aws.answer("Logs_20140328.DescribeLogGroups", "{\"logGroups\":[]}");

        Cli run = Cli.run(env(), List.of(), "logs", JOB, "--log-group", "/no/such", "--region", "us-east-1",
                "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("log group /no/such does not exist in region us-east-1").contains("--log-group");
    }

    @Test
    void list_json_hasTheQueueAndItsJobs() throws Exception {
        aws.answer("/v1/listjobs", "{\"jobSummaryList\":[{\"jobId\":\"" + JOB + "\",\"jobName\":\"c-hello\","
                + "\"status\":\"SUCCEEDED\",\"createdAt\":1700000000000,\"nodeProperties\":{\"numNodes\":3}}]}");

        Cli run = Cli.run(env(), List.of(), "list", "--queue", "q", "--status", "SUCCEEDED", "-o", "json",
                "--region", "us-east-1", "--endpoint-url", aws.endpoint());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.path("queue").asText()).isEqualTo("q");
        JsonNode job = json.path("jobs").path(0);
        assertThat(job.path("jobId").asText()).isEqualTo(JOB);
        assertThat(job.path("numNodes").asInt()).isEqualTo(3);
        assertThat(job.path("createdAt").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(job.get("stoppedAt").isNull()).isTrue();
    }
}
