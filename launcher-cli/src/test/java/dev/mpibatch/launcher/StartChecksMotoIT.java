package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.CRType;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobsResponse;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.NodeProperties;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Jobs that could never start are found before they are submitted, by {@code submit} and {@code doctor}, against
 * moto's real job queues and managed compute environments; and a followed job that stays RUNNABLE gets the same
 * explanation (moto never holds a job in RUNNABLE, so that job's state is scripted; the queue and compute
 * environments it is checked against are moto's).
 */
class StartChecksMotoIT {
    private static MotoServer moto;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
        try (IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(URI.create(moto.endpoint()))
                .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             Ec2Client ec2 = Ec2Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(moto.endpoint()))
                     .credentialsProvider(credentials).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
             BatchClient batch = moto.clients().batch()) {
            String serviceRole = iam.createRole(b -> b.roleName("ce-service").assumeRolePolicyDocument("{}")).role().arn();
            String profile = iam.createInstanceProfile(b -> b.instanceProfileName("nodes")).instanceProfile().arn();
            String subnet = ec2.describeSubnets().subnets().get(0).subnetId();
            String group = ec2.describeSecurityGroups().securityGroups().get(0).groupId();
            for (String name : List.of("c6i-16", "off-ce")) {
                batch.createComputeEnvironment(b -> b.computeEnvironmentName(name).type(CEType.MANAGED)
                        .state(name.equals("off-ce") ? CEState.DISABLED : CEState.ENABLED).serviceRole(serviceRole)
                        .computeResources(r -> r.type(CRType.EC2).minvCpus(0).maxvCpus(16).instanceTypes("c6i")
                                .subnets(subnet).securityGroupIds(group).instanceRole(profile)));
            }
            queue(batch, "small", JQState.ENABLED, "c6i-16");
            queue(batch, "stopped", JQState.DISABLED, "c6i-16");
            queue(batch, "on-off-ce", JQState.ENABLED, "off-ce");
        }
    }

    private static void queue(BatchClient batch, String name, JQState state, String environment) {
        batch.createJobQueue(b -> b.jobQueueName(name).state(state).priority(1)
                .computeEnvironmentOrder(o -> o.order(1).computeEnvironment(environment)));
    }

    @AfterAll
    static void stopMoto() throws Exception {
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void clear() {
        RecordingInterceptor.clear();
    }

    private static Cli run(String command, String queue, String... extra) {
        List<String> tail = new ArrayList<>(List.of("--queue", queue, "--bucket", MotoServer.BUCKET,
                "--job-role-arn", MotoServer.JOB_ROLE));
        if (command.equals("submit")) {
            tail.addAll(List.of("--image", "img:1"));
        }
        tail.addAll(List.of(extra));
        tail.addAll(moto.awsArgs());
        return Cli.run(moto.env(), tail, command, MotoServer.cHello().toString());
    }

    @Test
    void doctor_whenTheJobFits_saysSoAndExitsZero() {
        Cli doctor = run("doctor", "small", "--nodes", "2", "--instance-type", "c6i.2xlarge");

        assertThat(doctor.exitCode()).as(doctor.out()).isZero();
        assertThat(doctor.out()).startsWith("ok: queue small can start 2 nodes x 8 vCPUs on c6i.2xlarge");
    }

    @Test
    void submit_whenNodesTimesVcpusExceedMaxVcpus_isRefusedNamingTheNumbers_andSendsNoJob() {
        Cli submit = run("submit", "small", "--nodes", "3", "--instance-type", "c6i.2xlarge");

        assertThat(submit.exitCode()).isEqualTo(3);
        assertThat(submit.err()).contains("the job would never start: compute environment c6i-16 runs at most 16 "
                + "vCPUs, and 3 nodes x 8 vCPUs need 24: raise its maxvCpus");
        assertThat(RecordingInterceptor.requests(RegisterJobDefinitionRequest.class)).isEmpty();
        assertThat(RecordingInterceptor.requests(SubmitJobRequest.class)).isEmpty();
    }

    @Test
    void doctor_whenTheInstanceTypeIsNotAllowed_namesTheAllowedOnes() {
        Cli doctor = run("doctor", "small", "--nodes", "1", "--instance-type", "m6i.large");

        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.out()).contains("problem: compute environment c6i-16 allows instance types [c6i], not m6i.large");
    }

    @Test
    void doctor_whenTheQueueIsDisabled_saysHowToEnableIt() {
        Cli doctor = run("doctor", "stopped", "--vcpus", "2");

        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.out()).contains("problem: job queue stopped is DISABLED: jobs in it are never scheduled; "
                + "enable it ('aws batch update-job-queue --job-queue stopped --state ENABLED')");
    }

    @Test
    void submit_whenTheComputeEnvironmentIsDisabled_isRefused() {
        Cli submit = run("submit", "on-off-ce", "--vcpus", "2", "--memory", "2048");

        assertThat(submit.exitCode()).isEqualTo(3);
        assertThat(submit.err()).contains("compute environment off-ce is DISABLED: enable it");
        assertThat(RecordingInterceptor.requests(SubmitJobRequest.class)).isEmpty();
    }

    @Test
    void doctor_withoutAJobRole_namesTheFlagAndTheStack() {
        List<String> tail = new ArrayList<>(List.of("--queue", "small", "--bucket", MotoServer.BUCKET, "--vcpus", "1"));
        tail.addAll(moto.awsArgs());

        Cli doctor = Cli.run(moto.env(), tail, "doctor");

        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.out()).contains("problem: no job role").contains("--job-role-arn")
                .contains("mpi-batch configure --stack");
    }

    /** A clock that the sleeper moves: waiting is instant, and the launcher sees the time go by. */
    private static final class FakeTime implements Sleeper {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        Clock clock() {
            return new Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    return now.get();
                }
            };
        }

        @Override
        public void sleep(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }
    }

    @Test
    void submitWait_whenTheJobStaysRunnable_explainsWhyOnceAfterTheGivenTime() throws Exception {
        FakeTime time = new FakeTime();
        Instant start = time.now.get();
        List<String> polls = new ArrayList<>();
        try (BatchClient real = moto.clients().batch()) {
            // moto's queue and compute environment; the job's state scripted: RUNNABLE for 20 minutes, then FAILED.
            BatchClient batch = ScriptedClients.proxy(BatchClient.class, (method, request) -> {
                if (!method.equals("describeJobs")) {
                    return ScriptedClients.PASS;
                }
                List<String> ids = ((DescribeJobsRequest) request).jobs();
                if (!ids.equals(List.of("job-1"))) {
                    return DescribeJobsResponse.builder().build();
                }
                boolean over = Duration.between(start, time.now.get()).toMinutes() >= 20;
                polls.add(time.now.get().toString());
                return DescribeJobsResponse.builder().jobs(JobDetail.builder().jobId("job-1").jobName("c-hello")
                        .status(over ? "FAILED" : "RUNNABLE").statusReason(over ? "cancelled by the test" : null)
                        .nodeProperties(NodeProperties.builder().numNodes(3).mainNode(0).build()).build()).build();
            }, real);
            LauncherSettings settings = LauncherSettings.builder().queue("small").image("img:1").bucket(MotoServer.BUCKET)
                    .jobRoleArn(MotoServer.JOB_ROLE).instanceType("c6i.2xlarge").explainRunnableAfter(Duration.ofMinutes(7))
                    .build();
            List<String> heard = new ArrayList<>();
            try (MpiBatchLauncher launcher = new MpiBatchLauncher(batch, moto.clients().s3(), moto.clients().logs(),
                    settings, time.clock(), time, Duration.ofMinutes(1))) {
                JobHandle job = launcher.attach("job-1", PlanParser.parse(MotoServer.cHello()).nodes());
                job.addListener(new JobHandle.Listener() {
                    @Override
                    public void stillWaiting(JobHandle handle, JobState state, Duration waited, List<String> reasons) {
                        heard.add(state + " after " + waited.toMinutes() + " min: " + reasons);
                    }
                });
                job.completion().get(30, TimeUnit.SECONDS);
            }

            assertThat(heard).as("once, at the first poll 7 minutes into RUNNABLE").containsExactly(
                    "RUNNABLE after 7 min: [compute environment c6i-16 runs at most 16 vCPUs, and 3 nodes x 8 vCPUs "
                            + "need 24: raise its maxvCpus (infra: MaxVcpus), or ask for fewer nodes or vCPUs]");
            assertThat(polls).hasSizeGreaterThanOrEqualTo(20);
        }
    }
}
