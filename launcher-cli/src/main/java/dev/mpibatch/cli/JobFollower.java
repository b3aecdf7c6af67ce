package dev.mpibatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.MpiBatchLauncher;

/**
 * Follows a job on Batch to its end for {@code submit --wait} and {@code wait}: progress and log lines while it runs,
 * then the summary (or the job as JSON), and the job's result as the exit code.
 */
final class JobFollower {
    private final MpiBatchCommand parent;
    private final OutputMixin output;

    JobFollower(MpiBatchCommand parent, OutputMixin output) {
        this.parent = parent;
        this.output = output;
    }

    /** Follows {@code job} to its end; {@code since} is when the wait began, for the elapsed time. */
    int follow(MpiBatchLauncher launcher, JobHandle job, Instant since) {
        return follow(launcher, job, since, Optional.empty());
    }

    /**
     * The same, giving up after {@code timeout}: the job goes on, and the exit code is {@link ExitCodes#TIMED_OUT}.
     */
    int follow(MpiBatchLauncher launcher, JobHandle job, Instant since, Optional<Duration> timeout) {
        // With JSON on stdout, the nodes' log lines go to stderr: stdout stays one document.
        FollowPrinter printer = new FollowPrinter(output.json() ? parent.err : parent.out, parent.err,
                Terminal.isTerminal(parent.err, parent.env), parent.verbosity() >= 0);
        job.addListener(printer);
        try {
            if (timeout.isPresent()) {
                job.completion().get(timeout.get().toMillis(), TimeUnit.MILLISECONDS);
            } else {
                job.completion().join();
            }
        } catch (TimeoutException e) {
            job.stopFollowing();
            printer.endLine();
            parent.err.println("mpi-batch: job " + job.jobId() + " is still " + job.state() + " after "
                    + Elapsed.of(timeout.orElseThrow()) + " (--timeout); it goes on: wait again with 'mpi-batch wait "
                    + job.jobId() + "', or stop it with 'mpi-batch cancel " + job.jobId() + "'");
            return ExitCodes.TIMED_OUT;
        } catch (CompletionException | ExecutionException e) {
            printer.endLine();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
        printer.endLine();
        JobStatus status = launcher.status(job.jobId());
        if (output.json()) {
            parent.out.println(JobJson.write(JobJson.job(status)));
        } else if (parent.verbosity() >= 0) {
            JobReport.print(parent.err, status, Duration.between(since, Instant.now()));
        }
        return JobReport.exitCode(status);
    }
}
