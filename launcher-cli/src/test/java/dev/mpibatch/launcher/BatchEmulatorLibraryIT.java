package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The AWS path end to end as a user first meets it: the infrastructure template deployed (on moto, through the Batch
 * emulator's endpoint), {@code configure --stack}, then {@code submit --wait} on 3 containers of the node image; and
 * the same through the library ({@link MpiBatchLauncher}, {@link JobHandle}), including a cancel.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchEmulatorLibraryIT {
    private static EmulatedBatch aws;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        aws = EmulatedBatch.start(23);
        RecordingInterceptor.clear();
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
            aws.assertClosedCleanly();
        }
    }

    @Test
    @Order(1)
    void theStack_deployedThenConfigured_runsAJobWithOnlyTheImageGiven() throws Exception {
        try (CloudFormationClient cloudFormation = aws.clients().cloudFormation();
             Ec2Client ec2 = Ec2Client.builder().region(software.amazon.awssdk.regions.Region.of(aws.batch.region()))
                     .endpointOverride(java.net.URI.create(aws.batch.endpoint()))
                     .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                             software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("testing", "testing")))
                     .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()) {
            String vpc = ec2.describeVpcs().vpcs().get(0).vpcId();
            String subnet = ec2.describeSubnets().subnets().get(0).subnetId();
            cloudFormation.createStack(b -> b.stackName("mpi").templateBody(EmulatedBatch.uncheck(InfraMotoIT::template))
                    .capabilities(Capability.CAPABILITY_IAM)
                    .parameters(Parameter.builder().parameterKey("VpcId").parameterValue(vpc).build(),
                            Parameter.builder().parameterKey("SubnetId").parameterValue(subnet).build()));
            String status = "";
            for (int i = 0; i < 100 && !status.endsWith("COMPLETE") && !status.endsWith("FAILED"); i++) {
                Thread.sleep(100);
                status = cloudFormation.describeStacks(b -> b.stackName("mpi")).stacks().get(0).stackStatusAsString();
            }
            assertThat(status).isEqualTo("CREATE_COMPLETE");
        }
        Map<String, String> env = aws.env(home);
        Cli configure = Cli.run(env, aws.awsArgs(), "configure", "--stack", "mpi");
        assertThat(configure.exitCode()).as(configure.err()).isZero();
        assertThat(Files.readString(home.resolve(".mpi-batch/config"))).contains("log-group=/aws/batch/mpi");

        List<String> tail = new java.util.ArrayList<>(List.of("--image", EmulatedBatch.IMAGE, "--wait"));
        tail.addAll(aws.awsArgs());
        Cli submit = Cli.run(env, tail, "submit", MotoServer.cHello().toString());

        assertThat(submit.exitCode()).as(submit.err()).isZero();
        assertThat(submit.out()).containsPattern("(?m)^\\[node 2] hello from rank \\d of 6 on \\S+$");
        String jobId = submit.out().lines().findFirst().orElseThrow();
        // The nodes logged to the stack's log group (the definition's awslogs settings), where `logs` finds them.
        Cli logs = Cli.run(env, aws.awsArgs(), "logs", jobId, "--all");
        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).containsPattern("(?m)^\\[node 2] hello from rank \\d of 6 on \\S+$");
        String bucket = Files.readString(home.resolve(".mpi-batch/config")).lines().filter(l -> l.startsWith("bucket="))
                .findFirst().orElseThrow().substring("bucket=".length());
        aws.assertNothingLeft(jobId, bucket);
    }

    private MpiBatchLauncher launcher() {
        LauncherSettings settings = LauncherSettings.builder().queue(MotoServer.QUEUE).image(EmulatedBatch.IMAGE)
                .bucket(MotoServer.BUCKET).jobRoleArn(MotoServer.JOB_ROLE).instanceType("c6i.large")
                .region(aws.batch.region()).s3Endpoint(aws.batch.endpoint()).build();
        return new MpiBatchLauncher(aws.clients().batch(), aws.clients().s3(), aws.clients().logs(), settings,
                java.time.Clock.systemUTC(), dev.mpibatch.agent.rendezvous.Sleeper.system(), Duration.ofSeconds(1));
    }

    @Test
    @Order(2)
    void theLibrary_submitsFollowsAndDescribesAJob() throws Exception {
        Path jobFile = Path.of(System.getProperty("mpiBatch.examples", "../examples")).resolve("python-hello/job.yaml");
        List<String> lines = new CopyOnWriteArrayList<>();
        List<JobState> states = new CopyOnWriteArrayList<>();
        try (MpiBatchLauncher launcher = launcher()) {
            JobHandle job = launcher.submit(PlanParser.parse(jobFile), jobFile.getParent());
            job.addListener(new JobHandle.Listener() {
                @Override
                public void stateChanged(JobHandle handle, JobState state) {
                    states.add(state);
                }

                @Override
                public void logLine(JobHandle handle, int node, long time, String message) {
                    lines.add("[node " + node + "] " + message);
                }
            });

            JobResult result = job.completion().get(5, TimeUnit.MINUTES);

            assertThat(result.state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(result.exitCode()).hasValue(0);
            assertThat(states).last().isEqualTo(JobState.SUCCEEDED);
            assertThat(states).contains(JobState.RUNNING);
            assertThat(lines).contains("[node 0] check passed: 5 of 5 ranks received their message");
            Map<String, Long> rankLinesPerNode = new HashMap<>();
            lines.stream().filter(l -> l.contains("received 'hello rank"))
                    .forEach(l -> rankLinesPerNode.merge(l.substring(0, 8), 1L, Long::sum));
            assertThat(rankLinesPerNode).containsOnlyKeys("[node 0]", "[node 1]", "[node 2]");
            JobStatus status = launcher.status(job.jobId());
            assertThat(status.nodes()).hasSize(3);
            assertThat(status.nodes().get(0).statusAsString()).isEqualTo("SUCCEEDED");
            aws.assertNothingLeft(job.jobId());
        }
    }

    @Test
    @Order(3)
    void theLibrarysCancel_stopsARunningJob() throws Exception {
        Path jobFile = EmulatedBatch.job(home, "library-cancel", 3, "  - exec:", "      program: /bin/sh",
                "      programArgs: [-c, \"echo rank up on $(hostname); exec sleep 600\"]");
        try (MpiBatchLauncher launcher = launcher()) {
            JobHandle job = launcher.submit(PlanParser.parse(jobFile), jobFile.getParent());
            aws.awaitLogLines(job.jobId(), "rank up on", 3);

            job.cancel("not needed");
            JobResult result = job.completion().get(5, TimeUnit.MINUTES);

            assertThat(result.state()).isEqualTo(JobState.FAILED);
            assertThat(result.statusReason()).isEqualTo("not needed");
            aws.assertNothingLeft(job.jobId());
        }
    }

    @Test
    @Order(100)
    void everyRequestSent_isValidAgainstBotocoresModels() {
        AwsModel.assertAllValid(RecordingInterceptor.requests(), "batch:SubmitJob", "batch:DescribeJobs",
                "batch:TerminateJob", "cloudformation:DescribeStacks", "s3:PutObject", "logs:GetLogEvents");
    }
}
