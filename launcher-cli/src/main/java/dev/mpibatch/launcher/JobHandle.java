package dev.mpibatch.launcher;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted multi-node job. Following it (state, nodes, logs) starts with the first call to {@link #completion()}
 * or {@link #addListener}; listeners are called from the following thread.
 */
public interface JobHandle {

    /** The Batch job id. */
    String jobId();

    /** The last state seen. */
    JobState state();

    /** Adds a listener and starts following the job. */
    void addListener(Listener listener);

    /** Completes when the job reaches a final state; following starts if it had not. */
    CompletableFuture<JobResult> completion();

    /** Asks Batch to stop the job (CancelJob before it runs, TerminateJob after). */
    void cancel(String reason);

    /**
     * Stops following the job, which goes on running: no more calls to Batch or CloudWatch Logs, no more events, and
     * {@link #completion()} completes exceptionally with a {@link java.util.concurrent.CancellationException} unless
     * it had completed. For a caller that stops waiting (a timeout).
     */
    default void stopFollowing() {
    }

    /**
     * Hears about the job. Methods are called once per event from one thread, must not block for long and must not
     * throw; all have empty defaults.
     */
    interface Listener {
        default void stateChanged(JobHandle job, JobState state) {
        }

        default void nodesChanged(JobHandle job, int running, int total) {
        }

        default void logLine(JobHandle job, int node, long timestampMillis, String message) {
        }

        /**
         * The job has been in {@code state} (RUNNABLE) for {@code waited}, longer than the launcher's
         * {@code explainRunnableAfter}; {@code reasons} are what its start checks found (empty: none of them).
         * Called once per such stretch.
         */
        default void stillWaiting(JobHandle job, JobState state, java.time.Duration waited, java.util.List<String> reasons) {
        }
    }
}
