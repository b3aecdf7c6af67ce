package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The CLI against moto's Batch, S3 and CloudWatch Logs: what a user runs, and what goes over the wire. */
class SubmitMotoIT {
    private static final String IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mpi-batch:1";
    private static MotoServer moto;

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

    private static Cli submit(String... extra) {
        List<String> tail = new java.util.ArrayList<>(List.of("--queue", MotoServer.QUEUE, "--image", IMAGE,
                "--bucket", MotoServer.BUCKET));
        if (!List.of(extra).contains("--job-role-arn")) {
            tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
        }
        tail.addAll(List.of(extra));
        tail.addAll(moto.awsArgs());
        return Cli.run(moto.env(), tail, "submit", MotoServer.cHello().toString());
    }

    @Test
    void submit_registersTheDefinitionOnceStagesThePlanAndOverridesTheNodeCount() throws Exception {
        Cli first = submit();
        Cli second = submit("--nodes", "5");

        assertThat(first.exitCode()).isZero();
        assertThat(second.exitCode()).isZero();
        String jobId = second.out().strip();
        try (BatchClient batch = moto.clients().batch(); S3Client s3 = moto.clients().s3()) {
            var definitions = batch.describeJobDefinitions(b -> b.jobDefinitionName("mpi-batch-c-hello")).jobDefinitions();
            assertThat(definitions).as("an identical definition is reused, whatever the node count").hasSize(1);
            assertThat(definitions.get(0).type()).isEqualTo("multinode");

            List<SubmitJobRequest> submits = RecordingInterceptor.requests(SubmitJobRequest.class);
            assertThat(submits).hasSize(2);
            SubmitJobRequest sent = submits.get(1);
            assertThat(sent.nodeOverrides().numNodes()).as("moto ignores nodeOverrides; the request carries it").isEqualTo(5);
            assertThat(sent.nodeOverrides().nodePropertyOverrides().get(0).targetNodes()).isEqualTo("0:");
            Map<String, String> env = MpiBatchLauncher.environmentOf(sent);
            assertThat(env.get("MPI_BATCH_RENDEZVOUS")).isEqualTo("s3://" + MotoServer.BUCKET + "/mpi-batch/rendezvous");
            // Tests share this moto: the definition may have been registered by an earlier one, never twice.
            List<RegisterJobDefinitionRequest> registered = RecordingInterceptor.requests(RegisterJobDefinitionRequest.class);
            assertThat(registered).hasSizeLessThanOrEqualTo(1);
            for (RegisterJobDefinitionRequest request : registered) {
                var container = request.nodeProperties().nodeRangeProperties().get(0).container();
                assertThat(request.nodeProperties().mainNode()).isZero();
                assertThat(container.image()).isEqualTo(IMAGE);
                assertThat(container.resourceRequirements()).as("a c6i.large: 2 vCPUs, 4 GiB less what ECS keeps")
                        .extracting(r -> r.typeAsString() + "=" + r.value()).containsExactly("VCPU=2", "MEMORY=3584");
                assertThat(container.instanceType()).isEqualTo("c6i.large");
                assertThat(container.jobRoleArn()).isEqualTo(MotoServer.JOB_ROLE);
            }

            String planUri = env.get("MPI_BATCH_PLAN");
            String planKey = planUri.substring(("s3://" + MotoServer.BUCKET + "/").length());
            byte[] plan = s3.getObjectAsBytes(b -> b.bucket(MotoServer.BUCKET).key(planKey)).asByteArray();
            JobSpec staged = PlanParser.parse(plan, planUri);
            assertThat(staged.nodes()).isEqualTo(5);
            assertThat(staged.steps()).hasSize(3);
            String filesKey = env.get("MPI_BATCH_FILES").substring(("s3://" + MotoServer.BUCKET + "/").length());
            assertThat(s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET).prefix(filesKey)).contents())
                    .extracting(S3Object::key).containsExactly(filesKey + "hello.c");

            // A real client agrees: the AWS CLI sees the job as submitted.
            ProcessBuilder awsCli = new ProcessBuilder("aws", "--endpoint-url", moto.endpoint(), "--region", MotoServer.REGION,
                    "batch", "describe-jobs", "--jobs", jobId, "--output", "json");
            awsCli.environment().putAll(MotoServer.CREDENTIALS);
            Process aws = awsCli.start();
            String described = new String(aws.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            aws.waitFor();
            JsonNode job = new ObjectMapper().readTree(described).path("jobs").path(0);
            assertThat(job.path("jobId").asText()).isEqualTo(jobId);
            assertThat(job.path("nodeProperties").path("numNodes").asInt()).isEqualTo(3);
            assertThat(job.path("jobDefinition").asText()).contains("job-definition/mpi-batch-c-hello:1");
        }
    }

    @Test
    void submitWait_whenJobSucceeds_printsTheJourneyAndExitsZero() {
        Cli run = submit("--wait");

        assertThat(run.exitCode()).isZero();
        String jobId = run.out().lines().findFirst().orElseThrow();
        assertThat(run.err()).contains("job " + jobId + " (c-hello) SUCCEEDED after ")
                .contains("logs: mpi-batch logs " + jobId + " --all").doesNotContain("job " + jobId + ": SUCCEEDED");
        // Once the followed job has ended, its staged plan and files are deleted: no attempt can need them any more.
        var submits = RecordingInterceptor.requests(SubmitJobRequest.class);
        String plan = MpiBatchLauncher.environmentOf(submits.get(submits.size() - 1)).get("MPI_BATCH_PLAN");
        String prefix = plan.substring(("s3://" + MotoServer.BUCKET + "/").length(), plan.length() - "plan.json".length());
        try (S3Client s3 = moto.clients().s3()) {
            assertThat(s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET).prefix(prefix)).contents()).isEmpty();
        }
    }

    @Test
    void status_list_logs_cancel_describeTheJob() {
        String jobId = submit().out().strip();
        putLogLines(jobId, "hello from rank 0 of 6 on node-0", "check passed");

        Cli status = Cli.run(moto.env(), moto.awsArgs(), "status", jobId);
        Cli json = Cli.run(moto.env(), moto.awsArgs(), "status", jobId, "--output", "json");
        Cli list = Cli.run(moto.env(), moto.awsArgs(), "list", "--queue", MotoServer.QUEUE, "--status", "SUCCEEDED");
        Cli logs = Cli.run(moto.env(), moto.awsArgs(), "logs", jobId, "--all");
        Cli node1 = Cli.run(moto.env(), moto.awsArgs(), "logs", jobId, "--node", "1");
        Cli cancel = Cli.run(moto.env(), moto.awsArgs(), "cancel", jobId, "--reason", "test");

        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).contains("name     c-hello", "status   SUCCEEDED", "nodes    3");
        assertThat(json.out()).contains("\"jobId\" : \"" + jobId + "\"");
        assertThat(list.out()).contains(jobId);
        assertThat(logs.out()).isEqualTo("[node 0] hello from rank 0 of 6 on node-0\n[node 0] check passed\n");
        assertThat(node1.out()).isEmpty();
        assertThat(cancel.exitCode()).isZero();
        assertThat(cancel.err()).contains("has ended already");
    }

    @Test
    void status_withProfile_usesTheProfilesRegionAndCredentials_asTheAwsCliDoes(@org.junit.jupiter.api.io.TempDir
                                                                                java.nio.file.Path home) throws Exception {
        String jobId = submit().out().strip();
        java.nio.file.Files.createDirectories(home.resolve(".aws"));
        java.nio.file.Files.writeString(home.resolve(".aws/config"), "[profile moto]\nregion = " + MotoServer.REGION
                + "\n");
        java.nio.file.Files.writeString(home.resolve(".aws/credentials"), "[moto]\naws_access_key_id = testing\n"
                + "aws_secret_access_key = testing\n");
        // No region and no keys in the environment: only the profile says where and who.
        Map<String, String> env = Map.of("HOME", home.toString(), "PATH", System.getenv("PATH"));

        Cli status = Cli.run(env, List.of(), "status", jobId, "--profile", "moto", "--endpoint-url", moto.endpoint());
        ProcessBuilder awsCli = new ProcessBuilder("aws", "--profile", "moto", "--endpoint-url", moto.endpoint(),
                "batch", "describe-jobs", "--jobs", jobId, "--query", "jobs[0].status", "--output", "text");
        awsCli.environment().clear();
        awsCli.environment().putAll(env);
        Process aws = awsCli.start();
        String described = new String(aws.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        aws.waitFor();

        assertThat(described).isEqualTo("SUCCEEDED");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("status   SUCCEEDED");
    }

    @Test
    void cancel_whenJobUnknown_isARemoteErrorNamingIt() {
        Cli cancel = Cli.run(moto.env(), moto.awsArgs(), "cancel", "no-such-job");

        assertThat(cancel.exitCode()).isEqualTo(3);
        assertThat(cancel.err()).contains("job no-such-job not found");
    }

    @Test
    void submit_whenQueueUnknown_failsWithTheQueueNameAndLeavesNothing() {
        try (S3Client s3 = moto.clients().s3()) {
            int before = s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET)).contents().size();
            List<String> tail = new java.util.ArrayList<>(List.of("--queue", "no-such-queue", "--image", IMAGE,
                    "--bucket", MotoServer.BUCKET));
            tail.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            tail.addAll(moto.awsArgs());

            Cli run = Cli.run(moto.env(), tail, "submit", MotoServer.cHello().toString());

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).contains("job queue 'no-such-queue' not found").contains("describe-job-queues");
            assertThat(s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET)).contents()).hasSize(before);
            assertThat(RecordingInterceptor.requests(RegisterJobDefinitionRequest.class)).isEmpty();
        }
    }

    @Test
    void submit_withoutTags_sendsNoTagsMap() {
        Cli run = submit();

        assertThat(run.exitCode()).isZero();
        SubmitJobRequest sent = RecordingInterceptor.requests(SubmitJobRequest.class).get(0);
        assertThat(sent.hasTags()).as("Batch's model wants at least one tag in a tags map; {} is refused").isFalse();
    }

    @Test
    void submit_tellsEveryNodeItsRegion() {
        Cli run = submit("--env", "OMP_NUM_THREADS=1");

        assertThat(run.exitCode()).isZero();
        Map<String, String> env = MpiBatchLauncher.environmentOf(RecordingInterceptor.requests(SubmitJobRequest.class).get(0));
        assertThat(env).containsEntry("AWS_REGION", MotoServer.REGION).containsEntry("AWS_DEFAULT_REGION", MotoServer.REGION)
                .containsEntry("OMP_NUM_THREADS", "1");
    }

    @Test
    void submit_givesDevShmHalfTheNodesMemory_orWhatShmSizeSays() throws Exception {
        JsonNode byDefault = new ObjectMapper().readTree(submit("--dry-run").out());
        JsonNode given = new ObjectMapper().readTree(submit("--dry-run", "--shm-size", "1000").out());
        JsonNode explicit = new ObjectMapper().readTree(submit("--dry-run", "--job-role-arn", MotoServer.JOB_ROLE,
                "--vcpus", "4", "--memory", "10000").out());

        assertThat(linux(byDefault).path("sharedMemorySize").asInt()).isEqualTo(3584 / 2);
        assertThat(linux(given).path("sharedMemorySize").asInt()).isEqualTo(1000);
        assertThat(linux(explicit).path("sharedMemorySize").asInt()).isEqualTo(5000);
        assertThat(explicit.path("registerJobDefinition").toString()).contains("{\"value\":\"4\",\"type\":\"VCPU\"}")
                .contains("{\"value\":\"10000\",\"type\":\"MEMORY\"}");
    }

    private static JsonNode linux(JsonNode dryRun) {
        return dryRun.path("registerJobDefinition").path("nodeProperties").path("nodeRangeProperties").path(0)
                .path("container").path("linuxParameters");
    }

    @Test
    void dryRun_withoutAJobRole_printsTheRequestsAndWarnsLoudly() throws Exception {
        Cli run = submit("--dry-run", "--job-role-arn", "", "--instance-type", "c6i.large");

        assertThat(run.exitCode()).isZero();
        assertThat(new ObjectMapper().readTree(run.out()).path("registerJobDefinition").isObject()).isTrue();
        assertThat(run.err()).contains("WARNING: submit would refuse this job: no job role").contains("--job-role-arn")
                .contains("mpi-batch configure --stack");
    }

    @Test
    void submit_withAShareIdentifier_toAQueueWithoutFairShare_isRefusedAndLeavesNothing() {
        try (S3Client s3 = moto.clients().s3()) {
            int before = s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET)).contents().size();

            Cli run = submit("--share-identifier", "teamA");

            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.err()).contains("job queue " + MotoServer.QUEUE + " has no fair-share scheduling policy")
                    .contains("leave out --share-identifier teamA");
            assertThat(RecordingInterceptor.requests(SubmitJobRequest.class)).isEmpty();
            assertThat(s3.listObjectsV2(b -> b.bucket(MotoServer.BUCKET)).contents()).hasSize(before);
        }
    }

    @Test
    void dryRun_printsTheRequestsAndSendsNothing() throws Exception {
        Cli run = submit("--dry-run", "--nodes", "4", "--efa", "--gpus", "1", "--tag", "team=hpc");

        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        JsonNode container = json.path("registerJobDefinition").path("nodeProperties").path("nodeRangeProperties").path(0)
                .path("container");
        assertThat(json.path("registerJobDefinition").path("type").asText()).isEqualTo("multinode");
        assertThat(container.path("linuxParameters").path("devices").path(0).path("hostPath").asText())
                .isEqualTo("/dev/infiniband/uverbs0");
        assertThat(container.path("ulimits").path(0).path("name").asText()).isEqualTo("memlock");
        assertThat(container.path("resourceRequirements").toString()).contains("\"GPU\"");
        assertThat(json.path("submitJob").path("nodeOverrides").path("numNodes").asInt()).isEqualTo(4);
        assertThat(json.path("submitJob").path("tags").path("team").asText()).isEqualTo("hpc");
        assertThat(json.path("stagedObjects").toString()).contains("plan.json", "files/hello.c");
        assertThat(RecordingInterceptor.requests()).as("a dry run calls no AWS API").isEmpty();
    }

    private static void putLogLines(String jobId, String... messages) {
        try (BatchClient batch = moto.clients().batch(); CloudWatchLogsClient logs = moto.clients().logs()) {
            String stream = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0).attempts().get(0).container().logStreamName();
            try {
                logs.createLogGroup(b -> b.logGroupName("/aws/batch/job"));
            } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException e) {
                // made by an earlier test
            }
            logs.createLogStream(b -> b.logGroupName("/aws/batch/job").logStreamName(stream));
            long now = System.currentTimeMillis();
            List<software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent> events = new java.util.ArrayList<>();
            for (int i = 0; i < messages.length; i++) {
                long t = now + i;
                String m = messages[i];
                events.add(software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent.builder().timestamp(t).message(m).build());
            }
            logs.putLogEvents(b -> b.logGroupName("/aws/batch/job").logStreamName(stream).logEvents(events));
        }
    }
}
