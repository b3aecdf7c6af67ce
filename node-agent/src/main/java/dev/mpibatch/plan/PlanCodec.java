package dev.mpibatch.plan;

/** The plan as the launcher hands it to the agent: JSON in the job file format, read back with {@link PlanParser}. */
public final class PlanCodec {
    private PlanCodec() {
    }

    /** Writes {@code spec} as JSON in the job file format; {@code PlanParser.parse(toJson(s), ..)} equals {@code s}. */
    public static String toJson(JobSpec spec) {
        throw new UnsupportedOperationException("TODO(plan helper)");
    }
}
