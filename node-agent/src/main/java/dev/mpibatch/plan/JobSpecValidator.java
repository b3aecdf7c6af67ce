package dev.mpibatch.plan;

/** The one place where a {@link JobSpec} is checked. */
public final class JobSpecValidator {
    private JobSpecValidator() {
    }

    /**
     * Returns {@code spec} when it is valid.
     *
     * @throws PlanException naming the first field that is wrong and how to fix it
     */
    public static JobSpec validate(JobSpec spec) {
        throw new UnsupportedOperationException("TODO(plan helper)");
    }
}
