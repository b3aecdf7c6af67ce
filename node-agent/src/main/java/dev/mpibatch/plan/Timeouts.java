package dev.mpibatch.plan;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on every wait of a job.
 *
 * @param formation how long the main node waits for every node to register and acknowledge the roster
 * @param step      the longest a single step may run; {@link Duration#ZERO} means no limit
 * @param mainLease how long a worker keeps serving after it last saw the main node alive
 */
public record Timeouts(Duration formation, Duration step, Duration mainLease) {

    public static final Duration DEFAULT_FORMATION = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAIN_LEASE = Duration.ofSeconds(60);

    public Timeouts {
        Objects.requireNonNull(formation, "formation");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(mainLease, "mainLease");
    }

    /** The defaults: 10 minutes to form, steps unbounded, a 60 second lease on the main node. */
    public static Timeouts defaults() {
        return new Timeouts(DEFAULT_FORMATION, Duration.ZERO, DEFAULT_MAIN_LEASE);
    }

    public Timeouts withFormation(Duration newFormation) {
        return new Timeouts(newFormation, step, mainLease);
    }
}
