package dev.mpibatch.testkit.batch;

/**
 * A job's status, in the order a job passes them (Batch user guide, "Job states"): SUBMITTED, PENDING, RUNNABLE,
 * STARTING, RUNNING, then SUCCEEDED or FAILED, which never change.
 */
enum Status {
    SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED;

    boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** Not yet STARTING: CancelJob cancels only these (API reference, CancelJob). */
    boolean cancellable() {
        return this == SUBMITTED || this == PENDING || this == RUNNABLE;
    }

    /**
     * Whether a job may go from this status to {@code next}: forward one step at a time, back to RUNNABLE for a new
     * attempt ("The number of times to move a job to the RUNNABLE status", RetryStrategy.attempts), or to FAILED from
     * any status that is not final (cancelled, terminated, failed to start).
     */
    boolean canMoveTo(Status next) {
        if (isFinal()) {
            return false;
        }
        if (next == FAILED) {
            return true;
        }
        if (next == RUNNABLE && (this == STARTING || this == RUNNING)) {
            return true;
        }
        if (next == SUCCEEDED) {
            return this == RUNNING;
        }
        return next.ordinal() == ordinal() + 1;
    }
}
