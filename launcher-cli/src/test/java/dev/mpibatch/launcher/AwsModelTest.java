package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mpibatch.plan.PlanParser;
import dev.mpibatch.testing.Requirements;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.TerminateJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The model check itself ({@link AwsModel}), on botocore's models: it finds what AWS would refuse, and what the
 * launcher builds passes it. AwsModelIT checks every request of real CLI runs against moto the same way.
 */
class AwsModelTest {
    private static AwsModel model;

    @BeforeAll
    static void findModels() {
        model = AwsModel.find().orElse(null);
        Requirements.require(model != null, "botocore's service models (Debian: apt-get install awscli, which "
                + "bin/test installs; or python3 -m pip install botocore)");
        System.out.println("botocore's models from " + model.data());
    }

    private static SubmitJobRequest.Builder submit() {
        return SubmitJobRequest.builder().jobName("c-hello").jobQueue("q").jobDefinition("mpi-batch-c-hello");
    }

    @Test
    void emptyTagsMap_isFound() {
        assertThat(model.violations(submit().tags(Map.of()).build()))
                .containsExactly("batch:SubmitJob.tags: map 0, the model's min is 1");
    }

    @Test
    void missingRequiredMembers_areFound() {
        assertThat(model.violations(SubmitJobRequest.builder().jobName("x").build()))
                .containsExactlyInAnyOrder("batch:SubmitJob.jobQueue: required by the model, not sent",
                        "batch:SubmitJob.jobDefinition: required by the model, not sent");
        assertThat(model.violations(TerminateJobRequest.builder().jobId("j").build()))
                .containsExactly("batch:TerminateJob.reason: required by the model, not sent");
    }

    @Test
    void valuesOutsideAnEnum_orAListsMinimum_areFound() {
        var request = software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest.builder()
                .jobDefinitionName("d").type("multinode").nodeProperties(n -> n.numNodes(2).mainNode(0)
                        .nodeRangeProperties(r -> r.targetNodes("0:").container(c -> c.image("i")
                                .resourceRequirements(ResourceRequirement.builder().type("CPUS").value("1").build()))))
                .build();
        assertThat(model.violations(request)).anyMatch(v -> v.contains("resourceRequirements[0].type: 'CPUS' is not one of"));
        assertThat(model.violations(software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest.builder()
                .logGroupName("/aws/batch/job").logStreamName("").build()))
                .containsExactly("logs:GetLogEvents.logStreamName: string of length 0, the model's min is 1");
    }

    @Test
    void whatTheLauncherPlans_passes() {
        Path job = MotoServer.cHello();
        LauncherSettings settings = LauncherSettings.builder().queue("mpi-queue").image("img:1").bucket("bucket-1")
                .jobRoleArn(MotoServer.JOB_ROLE).instanceType("c6in.32xlarge").efa(true).gpus(0).region("eu-west-1")
                .tags(Map.of("team", "hpc")).environment(Map.of("OMP_NUM_THREADS", "1"))
                .attemptTimeout(java.time.Duration.ofHours(2)).retryAttempts(3).logGroup("/aws/batch/mpi").build();
        Submission plain = launcher(settings.toBuilder().tags(Map.of()).build()).plan(PlanParser.parse(job), job.getParent());
        Submission full = launcher(settings).plan(PlanParser.parse(job), job.getParent());

        for (Submission s : List.of(plain, full)) {
            assertThat(model.violations(s.definition())).as("RegisterJobDefinition").isEmpty();
            assertThat(model.violations(s.submit())).as("SubmitJob").isEmpty();
        }
    }

    private static MpiBatchLauncher launcher(LauncherSettings settings) {
        ScriptedClients.Answer none = (method, request) -> {
            throw new AssertionError("a plan calls no AWS API, but called " + method);
        };
        return new MpiBatchLauncher(ScriptedClients.proxy(BatchClient.class, none),
                ScriptedClients.proxy(S3Client.class, none), ScriptedClients.proxy(CloudWatchLogsClient.class, none),
                settings);
    }
}
