package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mpibatch.launcher.JobStatus;
import software.amazon.awssdk.services.batch.model.JobDetail;

/** How {@code submit --wait} and {@code wait} end: the summary, and the main node's exit code as theirs. */
class JobReportTest {
    private static JobDetail job(String status, Integer exit, String reason) {
        return JobDetail.builder().jobId("j-1").jobName("c-hello").status(status).statusReason(reason)
                .nodeProperties(p -> p.numNodes(3).mainNode(0))
                .container(c -> c.exitCode(exit)).build();
    }

    private static JobDetail node(int index, String status, Integer exit) {
        return JobDetail.builder().jobId("j-1#" + index).status(status).container(c -> c.exitCode(exit)).build();
    }

    @Test
    void exitCode_isTheMainNodes() {
        assertThat(JobReport.exitCode(new JobStatus(job("SUCCEEDED", 0, null), List.of()))).isZero();
        assertThat(JobReport.exitCode(new JobStatus(job("FAILED", 7, null), List.of()))).isEqualTo(7);
        assertThat(JobReport.exitCode(new JobStatus(job("FAILED", 3, null), List.of()))).isEqualTo(3);
        assertThat(JobReport.exitCode(new JobStatus(job("FAILED", 139, null), List.of()))).isEqualTo(139);
    }

    @Test
    void exitCode_withoutOneFromBatch_isOne() {
        assertThat(JobReport.exitCode(new JobStatus(job("FAILED", null, "cancelled"), List.of()))).isEqualTo(1);
        assertThat(JobReport.exitCode(new JobStatus(job("FAILED", 0, "a child failed"), List.of()))).isEqualTo(1);
    }

    @Test
    void summary_namesTheEndTheNodesAndTheLogs() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        JobStatus status = new JobStatus(job("FAILED", 1, "Essential container in task exited"),
                List.of(node(0, "FAILED", 1), node(1, "SUCCEEDED", 0), node(2, "SUCCEEDED", null)));

        JobReport.print(new PrintStream(err, true, StandardCharsets.UTF_8), status, Duration.ofSeconds(75));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("\n",
                "job j-1 (c-hello) FAILED after 1m15s: main node exited with 1 (Essential container in task exited)",
                "  NODE  STATUS     EXIT",
                "  0     FAILED     1     main",
                "  1     SUCCEEDED  0",
                "  2     SUCCEEDED  -",
                "  logs: mpi-batch logs j-1 --all", ""));
    }
}
