package dev.mpibatch.testkit.batch;

import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * How fast jobs move: the pause between the states before a job starts, and the random delay before each child node
 * is launched ("The child nodes come up in random order. There are no guarantees on the timing or ordering of child
 * node launch", Batch user guide, "Job lifecycle for MNP jobs"). Seeded, so a failure can be replayed.
 *
 * @param stateDelay    the pause between SUBMITTED, PENDING, RUNNABLE and STARTING
 * @param childDelayMax each child node waits a uniform random time up to this after the main node runs
 * @param seed          the seed of the draws (child order and delays)
 * @param clock         the clock of the job's times (createdAt, startedAt, stoppedAt)
 */
record Pacing(Duration stateDelay, Duration childDelayMax, long seed, Clock clock) {
    Pacing {
        if (stateDelay.isNegative() || childDelayMax.isNegative()) {
            throw new IllegalArgumentException("delays must not be negative: stateDelay " + stateDelay
                    + ", childDelayMax " + childDelayMax);
        }
    }

    /** The draws of one job: a sequence of its own, so that jobs running side by side do not change each other's. */
    Random random(long jobNumber) {
        return new Random(seed * 31 + jobNumber);
    }

    long now() {
        return clock.millis();
    }
}
