package dev.mpibatch.launcher;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How a job ended.
 *
 * @param jobId        the Batch job id
 * @param state        {@link JobState#SUCCEEDED} or {@link JobState#FAILED}
 * @param exitCode     the main node's exit code, when Batch reports one
 * @param statusReason Batch's reason, e.g. "Essential container in task exited"
 */
public record JobResult(String jobId, JobState state, OptionalInt exitCode, String statusReason) {
    public JobResult {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(statusReason, "statusReason");
    }

    public boolean succeeded() {
        return state == JobState.SUCCEEDED;
    }
}
