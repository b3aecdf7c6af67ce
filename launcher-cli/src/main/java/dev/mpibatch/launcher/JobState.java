package dev.mpibatch.launcher;

import java.util.Locale;

/** The life of a Batch job as the launcher sees it. A final state never changes. */
public enum JobState {
    SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED, FAILED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED;
    }

    /** Batch's status string ({@code RUNNING}) as a state. */
    public static JobState fromBatch(String status) {
        return valueOf(status.toUpperCase(Locale.ROOT));
    }
}
