package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mpibatch.launcher.aws.BatchJobHandle;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AttemptContainerDetail;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobsResponse;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.NodeProperties;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * Following a multi-node job through per-node jobs ({@code id#N}) and their log streams. No emulator here makes
 * per-node jobs (moto does not), so Batch and CloudWatch Logs answer from a script this test controls.
 */
class FollowTest {
    private final AtomicInteger polls = new AtomicInteger();

    private JobDetail parent() {
        int poll = polls.get();
        String status = poll < 2 ? "RUNNABLE" : poll < 4 ? "RUNNING" : "SUCCEEDED";
        return JobDetail.builder().jobId("job").jobName("c-hello").status(status)
                .nodeProperties(NodeProperties.builder().numNodes(3).mainNode(0).build())
                .container(ContainerDetail.builder().exitCode(poll < 4 ? null : 0).build()).build();
    }

    private JobDetail node(int index, int poll) {
        return JobDetail.builder().jobId("job#" + index).status(poll >= 2 ? "RUNNING" : "STARTING")
                .attempts(AttemptDetail.builder().container(AttemptContainerDetail.builder()
                        .logStreamName("stream-" + index).build()).build()).build();
    }

    @Test
    void follow_reportsStatesRunningNodesAndEveryNodesLogInTimeOrder() throws Exception {
        BatchClient batch = ScriptedClients.proxy(BatchClient.class, (method, arg) -> switch (method) {
            case "describeJobs" -> {
                List<String> ids = ((DescribeJobsRequest) arg).jobs();
                if (ids.equals(List.of("job"))) {
                    polls.incrementAndGet();
                    yield DescribeJobsResponse.builder().jobs(parent()).build();
                }
                assertThat(ids).containsExactly("job#0", "job#1", "job#2");
                yield DescribeJobsResponse.builder().jobs(node(0, polls.get()), node(1, polls.get()), node(2, polls.get()))
                        .build();
            }
            default -> throw new UnsupportedOperationException(method);
        });
        Map<String, List<OutputLogEvent>> streams = Map.of(
                "stream-0", List.of(event(10, "main up"), event(35, "[node 2] hello from rank 5"), event(40, "rank 0 done")),
                "stream-1", List.of(event(20, "worker 1 ready")),
                "stream-2", List.of(event(30, "worker 2 ready")));
        java.util.Set<String> read = new java.util.HashSet<>();
        CloudWatchLogsClient logs = ScriptedClients.proxy(CloudWatchLogsClient.class, (method, arg) -> {
            GetLogEventsRequest request = (GetLogEventsRequest) arg;
            String stream = request.logStreamName();
            boolean first = read.add(stream);
            return GetLogEventsResponse.builder().events(first ? streams.get(stream) : List.of())
                    .nextForwardToken("t-" + stream).build();
        });
        List<String> heard = new ArrayList<>();
        BatchJobHandle handle = new BatchJobHandle(batch, logs, "job", "/aws/batch/job", d -> { }, Duration.ZERO);
        handle.addListener(new JobHandle.Listener() {
            @Override
            public void stateChanged(JobHandle job, JobState state) {
                heard.add("state " + state);
            }

            @Override
            public void nodesChanged(JobHandle job, int running, int total) {
                heard.add("nodes " + running + "/" + total);
            }

            @Override
            public void logLine(JobHandle job, int node, long timestamp, String message) {
                heard.add("[node " + node + "] " + message);
            }
        });

        JobResult result = handle.completion().get(10, TimeUnit.SECONDS);

        assertThat(result.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(result.exitCode()).hasValue(0);
        assertThat(heard).containsSubsequence("nodes 0/3", "[node 0] main up", "[node 1] worker 1 ready",
                "[node 2] worker 2 ready", "[node 0] rank 0 done");
        // A rank's line in the main node's log, labelled by the agent with the node it ran on, is that node's line.
        assertThat(heard).contains("[node 2] hello from rank 5").noneMatch(h -> h.startsWith("[node 0] [node"));
        assertThat(heard).containsSubsequence("state RUNNABLE", "nodes 3/3", "state RUNNING", "state SUCCEEDED");
        assertThat(heard.stream().filter(h -> h.startsWith("state SUCCEEDED"))).hasSize(1);
        assertThat(handle.state()).isEqualTo(JobState.SUCCEEDED);
    }

    private static OutputLogEvent event(long timestamp, String message) {
        return OutputLogEvent.builder().timestamp(timestamp).message(message).build();
    }
}
