package dev.mpibatch.testkit.batch;

import static dev.mpibatch.testkit.batch.FakeCatalog.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mpibatch.testkit.batch.FakeRuntime.FakeNode;

/** The job operations and the multi-node lifecycle, with nodes that are fakes (no containers). */
class BatchApiTest {
    private final FakeCatalog catalog = new FakeCatalog();
    private final FakeRuntime runtime = new FakeRuntime();

    private BatchApi api(Duration stateDelay) {
        return new BatchApi(catalog, runtime, new Pacing(stateDelay, Duration.ofMillis(20), 7, Clock.systemUTC()),
                "us-east-1", "123456789012");
    }

    private static String submit(BatchApi api, String extra) {
        return api.handle("/v1/submitjob", json("{\"jobName\":\"j\",\"jobQueue\":\"q\",\"jobDefinition\":\"mpi\"" + extra
                + "}")).path("jobId").asText();
    }

    private static JsonNode describe(BatchApi api, String id) {
        JsonNode jobs = api.handle("/v1/describejobs", json("{\"jobs\":[\"" + id + "\"]}")).path("jobs");
        return jobs.isEmpty() ? null : jobs.get(0);
    }

    private static String status(BatchApi api, String id) {
        return describe(api, id).path("status").asText();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened: " + what);
            }
            Thread.sleep(5);
        }
    }

    private FakeNode node(String id, int index, int attempt) throws InterruptedException {
        await("node " + index + " of attempt " + attempt + " launched", () -> runtime.node(id, index, attempt).isPresent());
        return runtime.node(id, index, attempt).orElseThrow();
    }

    @Test
    void aJob_runsMainNodeFirstThenChildrenWithBatchsVariables_andSucceedsWithTheMainNode() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, ",\"nodeOverrides\":{\"numNodes\":3}");
        FakeNode main = node(id, 0, 1);
        node(id, 1, 1);
        node(id, 2, 1);

        assertThat(runtime.launches.get(0).index()).as("the main node is launched first").isZero();
        assertThat(runtime.launches.get(1).environment()).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                "FROM_DEFINITION", "d", "AWS_BATCH_JOB_ID", id + "#" + runtime.launches.get(1).index(),
                "AWS_BATCH_JOB_ATTEMPT", "1", "AWS_BATCH_JOB_NODE_INDEX", Integer.toString(runtime.launches.get(1).index()),
                "AWS_BATCH_JOB_NUM_NODES", "3", "AWS_BATCH_JOB_MAIN_NODE_INDEX", "0",
                "AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS", "10.0.0.10", "AWS_BATCH_CE_NAME", "ce-1",
                "AWS_BATCH_JQ_NAME", "q"));
        assertThat(runtime.launches.get(0).environment()).doesNotContainKey("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS");
        await("all running", () -> status(api, id + "#2").equals("RUNNING") && status(api, id + "#1").equals("RUNNING"));
        assertThat(status(api, id)).isEqualTo("RUNNING");

        main.exit(0);
        api.run(id).awaitEnd(10_000);

        JsonNode job = describe(api, id);
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("attempts").get(0).path("container").path("exitCode").asInt()).isZero();
        assertThat(job.path("nodeProperties").path("numNodes").asInt()).isEqualTo(3);
        assertThat(job.path("stoppedAt").asLong()).isGreaterThanOrEqualTo(job.path("startedAt").asLong());
        assertThat(runtime.node(id, 1, 1).orElseThrow().stopped).as("children stopped when the main node exits").isTrue();
        JsonNode child = describe(api, id + "#1");
        assertThat(child.path("nodeDetails").toString()).isEqualTo("{\"nodeIndex\":1,\"isMainNode\":false}");
        assertThat(child.path("container").path("exitCode").asInt()).isEqualTo(143);
        assertThat(child.path("container").path("networkInterfaces").get(0).path("privateIpv4Address").asText())
                .isEqualTo("10.0.0.11");
        assertThat(child.path("attempts").get(0).path("container").path("logStreamName").asText()).isEqualTo("mpi/default/1");
    }

    @Test
    void aChildThatDies_changesNothing_andAFailingMainNodeFailsTheJobWithItsExitCode() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, "");
        FakeNode main = node(id, 0, 1);
        node(id, 1, 1);
        node(id, 2, 1).exit(137);
        await("child 2 failed, child 1 running", () -> status(api, id + "#2").equals("FAILED")
                && status(api, id + "#1").equals("RUNNING"));
        assertThat(status(api, id)).isEqualTo("RUNNING");
        assertThat(status(api, id + "#1")).isEqualTo("RUNNING");

        main.exit(7);
        api.run(id).awaitEnd(10_000);

        JsonNode job = describe(api, id);
        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("statusReason").asText()).isEqualTo(JobRun.EXITED);
        assertThat(job.path("attempts")).hasSize(1);
        assertThat(job.path("attempts").get(0).path("container").path("exitCode").asInt()).isEqualTo(7);
        assertThat(describe(api, id + "#2").path("container").path("exitCode").asInt()).isEqualTo(137);
    }

    @Test
    void aFailedMainNode_withAttemptsLeft_runsAgainWithTheNextAttemptUnderTheSameJobId() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, ",\"retryStrategy\":{\"attempts\":2}");
        node(id, 0, 1).exit(1);

        FakeNode second = node(id, 0, 2);
        assertThat(second.launch.environment()).containsEntry("AWS_BATCH_JOB_ATTEMPT", "2")
                .containsEntry("AWS_BATCH_JOB_ID", id + "#0");
        node(id, 1, 2);
        second.exit(0);
        api.run(id).awaitEnd(10_000);

        JsonNode job = describe(api, id);
        assertThat(job.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.path("attempts")).hasSize(2);
        assertThat(job.path("attempts").get(0).path("container").path("exitCode").asInt()).isEqualTo(1);
        assertThat(describe(api, id + "#1").path("attempts")).hasSize(2);
    }

    @Test
    void evaluateOnExit_anExitMatch_endsTheJobWithoutAnotherAttempt() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, ",\"retryStrategy\":{\"attempts\":3,\"evaluateOnExit\":[{\"onExitCode\":\"4*\","
                + "\"action\":\"exit\"}]}");
        node(id, 0, 1).exit(42);
        api.run(id).awaitEnd(10_000);

        assertThat(status(api, id)).isEqualTo("FAILED");
        assertThat(runtime.node(id, 0, 2)).isEmpty();
    }

    @Test
    void cancel_beforeStarting_failsTheJob_butARunningJobIsNotCancelled() throws Exception {
        BatchApi slow = api(Duration.ofSeconds(30));
        String queued = submit(slow, "");
        slow.handle("/v1/canceljob", json("{\"jobId\":\"" + queued + "\",\"reason\":\"not needed\"}"));
        JsonNode cancelled = describe(slow, queued);
        assertThat(cancelled.path("status").asText()).isEqualTo("FAILED");
        assertThat(cancelled.path("statusReason").asText()).isEqualTo("not needed");
        assertThat(cancelled.path("isCancelled").asBoolean()).isTrue();
        assertThat(status(slow, queued + "#1")).isEqualTo("FAILED");

        BatchApi api = api(Duration.ZERO);
        String id = submit(api, "");
        FakeNode main = node(id, 0, 1);
        await("running", () -> status(api, id).equals("RUNNING"));
        assertThat(api.handle("/v1/canceljob", json("{\"jobId\":\"" + id + "\",\"reason\":\"too late\"}")).toString())
                .as("the call succeeds").isEqualTo("{}");
        assertThat(status(api, id)).isEqualTo("RUNNING");
        assertThat(main.stopped).isFalse();
        main.exit(0);
        api.run(id).awaitEnd(10_000);
    }

    @Test
    void terminate_whileRunning_stopsEveryContainerAndFailsTheJobWithTheReason() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, "");
        FakeNode main = node(id, 0, 1);
        FakeNode one = node(id, 1, 1);
        FakeNode two = node(id, 2, 1);

        api.handle("/v1/terminatejob", json("{\"jobId\":\"" + id + "\",\"reason\":\"wrong input\"}"));
        api.run(id).awaitEnd(10_000);

        assertThat(List.of(main.stopped, one.stopped, two.stopped)).containsOnly(true);
        JsonNode job = describe(api, id);
        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("statusReason").asText()).isEqualTo("wrong input");
        assertThat(job.path("isTerminated").asBoolean()).isTrue();
    }

    @Test
    void aMainNodeThatCannotStart_failsTheJobWithTheRuntimesReason() throws Exception {
        runtime.failToStart.add(0);
        BatchApi api = api(Duration.ZERO);
        String id = submit(api, "");
        api.run(id).awaitEnd(10_000);

        JsonNode job = describe(api, id);
        assertThat(job.path("status").asText()).isEqualTo("FAILED");
        assertThat(job.path("statusReason").asText()).startsWith("CannotPullContainerError: image img:1 not found");
        assertThat(runtime.launches).isEmpty();
    }

    @Test
    void listJobs_withoutAStatusListsOnlyRunningJobs_byStatusAndNodes_inPages() throws Exception {
        BatchApi api = api(Duration.ZERO);
        String a = submit(api, "");
        String b = submit(api, "");
        node(a, 0, 1).exit(0);
        api.run(a).awaitEnd(10_000);
        node(b, 0, 1);
        await("b running", () -> status(api, b).equals("RUNNING"));

        assertThat(ids(api.handle("/v1/listjobs", json("{\"jobQueue\":\"q\"}")))).containsExactly(b);
        assertThat(ids(api.handle("/v1/listjobs", json("{\"jobQueue\":\"arn:aws:batch:us-east-1:123456789012:job-queue/q\","
                + "\"jobStatus\":\"SUCCEEDED\"}")))).containsExactly(a);
        JsonNode first = api.handle("/v1/listjobs", json("{\"multiNodeJobId\":\"" + a + "\",\"jobStatus\":\"FAILED\","
                + "\"maxResults\":1}"));
        assertThat(ids(first)).containsExactly(a + "#1");
        JsonNode second = api.handle("/v1/listjobs", json("{\"multiNodeJobId\":\"" + a + "\",\"jobStatus\":\"FAILED\","
                + "\"maxResults\":1,\"nextToken\":\"" + first.path("nextToken").asText() + "\"}"));
        assertThat(ids(second)).containsExactly(a + "#2");
        assertThat(second.has("nextToken")).isFalse();
        assertThat(ids(api.handle("/v1/listjobs", json("{\"jobQueue\":\"q\",\"filters\":[{\"name\":\"JOB_NAME\","
                + "\"values\":[\"J*\"]}]}")))).containsExactly(b, a);
        assertThatThrownBy(() -> api.handle("/v1/listjobs", json("{\"jobQueue\":\"q\",\"nextToken\":\"bogus\"}")))
                .hasMessageContaining("not a token");
        assertThatThrownBy(() -> api.handle("/v1/listjobs", json("{}"))).hasMessageContaining("exactly one of");
        node(b, 0, 1).exit(0);
        api.run(b).awaitEnd(10_000);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new java.util.ArrayList<>();
        page.path("jobSummaryList").forEach(s -> ids.add(s.path("jobId").asText()));
        return ids;
    }

    @Test
    void badSubmits_areClientErrorsAsAwsGivesThem() {
        BatchApi api = api(Duration.ZERO);
        catalog.queue("off", "DISABLED");

        assertThatThrownBy(() -> submit(api, ",\"tags\":{}")).hasMessageContaining("'tags'");
        assertThatThrownBy(() -> api.handle("/v1/submitjob", json("{\"jobName\":\"j\",\"jobQueue\":\"off\","
                + "\"jobDefinition\":\"mpi\"}"))).hasMessageContaining("can't be added");
        assertThatThrownBy(() -> api.handle("/v1/submitjob", json("{\"jobName\":\"j\",\"jobQueue\":\"q\","
                + "\"jobDefinition\":\"nope\"}"))).hasMessageContaining("nope does not exist");
        assertThatThrownBy(() -> api.handle("/v1/submitjob", json("{\"jobName\":\"-j\",\"jobQueue\":\"q\","
                + "\"jobDefinition\":\"mpi\"}"))).hasMessageContaining("jobName");
        StringBuilder many = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("\"x").append(i).append('"');
        }
        assertThatThrownBy(() -> api.handle("/v1/describejobs", json(many + "]}"))).hasMessageContaining("up to 100");
    }
}
