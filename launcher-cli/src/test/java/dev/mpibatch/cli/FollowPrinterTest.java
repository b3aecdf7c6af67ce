package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobResult;
import dev.mpibatch.launcher.JobState;

/** What {@code submit --wait} prints when a job stays RUNNABLE: the findings, or that there were none. */
class FollowPrinterTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final FollowPrinter printer = new FollowPrinter(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8), false);

    private static final JobHandle JOB = new JobHandle() {
        @Override
        public String jobId() {
            return "job-1";
        }

        @Override
        public JobState state() {
            return JobState.RUNNABLE;
        }

        @Override
        public void addListener(Listener listener) {
        }

        @Override
        public CompletableFuture<JobResult> completion() {
            return new CompletableFuture<>();
        }

        @Override
        public void cancel(String reason) {
        }
    };

    @Test
    void stillWaiting_withFindings_listsThem() {
        printer.stillWaiting(JOB, JobState.RUNNABLE, Duration.ofMinutes(5), List.of("job queue q is DISABLED: enable it"));

        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
                "job job-1 is still RUNNABLE after 5m, and will not start:\n  - job queue q is DISABLED: enable it\n");
    }

    @Test
    void stillWaiting_withoutFindings_saysWhatWasNotChecked() {
        printer.stillWaiting(JOB, JobState.RUNNABLE, Duration.ofMinutes(6), List.of());

        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("job job-1 is still RUNNABLE after 6m; mpi-batch's "
                + "checks found no cause").contains("instance limits of the account and the subnets' route to S3 are not checked");
    }
}
