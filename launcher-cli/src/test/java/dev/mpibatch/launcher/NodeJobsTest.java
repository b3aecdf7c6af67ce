package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.Sleeper;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AttemptContainerDetail;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.DescribeJobsRequest;
import software.amazon.awssdk.services.batch.model.DescribeJobsResponse;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;
import software.amazon.awssdk.services.batch.model.NodeProperties;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The nodes of a multi-node job after it ended. Batch answers as its API reference says: {@code ListJobs} with a
 * {@code multiNodeJobId} and no status lists only RUNNING node jobs, 100 at a time with a nextToken; DescribeJobs
 * takes up to 100 ids. No emulator here makes node jobs, so a script answers.
 */
class NodeJobsTest {
    private final List<List<String>> described = new ArrayList<>();

    private static JobDetail parent(int nodes) {
        return JobDetail.builder().jobId("job").jobName("c-hello").status("FAILED").jobQueue("q")
                .nodeProperties(NodeProperties.builder().numNodes(nodes).mainNode(0).build())
                .container(ContainerDetail.builder().exitCode(3).build()).build();
    }

    /** Node 1, a worker, failed with exit code 3; the others succeeded. */
    private static JobDetail node(int index) {
        boolean failed = index == 1;
        return JobDetail.builder().jobId("job#" + index).status(failed ? "FAILED" : "SUCCEEDED")
                .attempts(AttemptDetail.builder().container(AttemptContainerDetail.builder()
                        .logStreamName("stream-" + index).exitCode(failed ? 3 : 0).build()).build()).build();
    }

    private BatchClient batch(int nodes) {
        return ScriptedClients.proxy(BatchClient.class, (method, arg) -> switch (method) {
            case "describeJobs" -> {
                List<String> ids = ((DescribeJobsRequest) arg).jobs();
                assertThat(ids).as("DescribeJobs takes at most 100 ids").hasSizeLessThanOrEqualTo(100);
                described.add(ids);
                List<JobDetail> jobs = new ArrayList<>();
                for (String id : ids) {
                    jobs.add(id.equals("job") ? parent(nodes) : node(Integer.parseInt(id.substring(4))));
                }
                yield DescribeJobsResponse.builder().jobs(jobs).build();
            }
            case "listJobs" -> {
                ListJobsRequest request = (ListJobsRequest) arg;
                // Without a status Batch lists RUNNING jobs only; every node of this job has ended.
                String status = request.jobStatusAsString() == null ? "RUNNING" : request.jobStatusAsString();
                List<JobSummary> matching = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    JobDetail n = node(i);
                    if (n.statusAsString().equals(status)) {
                        matching.add(JobSummary.builder().jobId(n.jobId()).status(n.status()).build());
                    }
                }
                int from = request.nextToken() == null ? 0 : Integer.parseInt(request.nextToken());
                int to = Math.min(matching.size(), from + 100);
                yield ListJobsResponse.builder().jobSummaryList(matching.subList(from, to))
                        .nextToken(to < matching.size() ? Integer.toString(to) : null).build();
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static CloudWatchLogsClient logs() {
        java.util.Set<String> read = new java.util.HashSet<>();
        return ScriptedClients.proxy(CloudWatchLogsClient.class, (method, arg) -> {
            String stream = ((GetLogEventsRequest) arg).logStreamName();
            List<OutputLogEvent> events = read.add(stream) ? List.of(OutputLogEvent.builder()
                    .timestamp(Long.parseLong(stream.substring(7))).message("line of " + stream).build()) : List.of();
            return GetLogEventsResponse.builder().events(events).nextForwardToken("t-" + stream).build();
        });
    }

    private MpiBatchLauncher launcher(int nodes) {
        LauncherSettings settings = LauncherSettings.builder().queue("q").image("img:1").bucket("bucket-1").build();
        S3Client s3 = ScriptedClients.proxy(S3Client.class, (m, a) -> {
            throw new UnsupportedOperationException(m);
        });
        return new MpiBatchLauncher(batch(nodes), s3, logs(), settings, java.time.Clock.systemUTC(), Sleeper.system(),
                Duration.ZERO);
    }

    @Test
    void status_afterTheJobEnded_showsEveryNodeWithItsStateAndExitCode() {
        JobStatus status = launcher(3).status("job");

        assertThat(status.nodes()).extracting("jobId", "status").containsExactly(tuple("job#0", "SUCCEEDED"),
                tuple("job#1", "FAILED"), tuple("job#2", "SUCCEEDED"));
        assertThat(status.nodes()).extracting(n -> dev.mpibatch.launcher.aws.BatchJobHandle.exitCode((JobDetail) n)
                .getAsInt()).containsExactly(0, 3, 0);
    }

    @Test
    void logs_afterTheJobEnded_readEveryNodesStream() {
        List<String> lines = new ArrayList<>();
        launcher(3).logs("job", new JobHandle.Listener() {
            @Override
            public void logLine(JobHandle job, int node, long timestampMillis, String message) {
                lines.add("[node " + node + "] " + message);
            }
        });

        assertThat(lines).containsExactly("[node 0] line of stream-0", "[node 1] line of stream-1",
                "[node 2] line of stream-2");
    }

    @Test
    void list_ofMoreThanOnePageOfJobs_readsEveryPage() {
        // The script answers ListJobs from this job's 250 nodes (249 SUCCEEDED), 100 a page with a nextToken.
        List<JobSummary> succeeded = launcher(250).list("q", java.util.Optional.of("SUCCEEDED"));

        assertThat(succeeded).hasSize(249);
    }

    @Test
    void status_ofAJobOf250Nodes_describesThemAllInRequestsOf100() {
        JobStatus status = launcher(250).status("job");

        assertThat(status.nodes()).hasSize(250);
        assertThat(described.subList(1, described.size())).extracting(List::size).containsExactly(100, 100, 50);
        assertThat(described.get(3)).startsWith("job#200").endsWith("job#249");
    }
}
