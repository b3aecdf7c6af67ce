package dev.mpibatch.agent.rendezvous;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often to look again: short at first (the other nodes are usually moments away), backing off, jittered so
 * that a thousand nodes do not poll in lock step.
 *
 * @param initial    the first interval
 * @param max        the longest interval
 * @param multiplier how much each interval grows
 * @param jitter     the fraction (0 to 1) by which an interval is randomly shortened
 */
public record Polling(Duration initial, Duration max, double multiplier, double jitter) {

    public Polling {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (multiplier < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("polling needs multiplier >= 1 and 0 <= jitter < 1");
        }
    }

    /** 50 ms at first, growing by half up to 2 s, with 20% jitter. */
    public static Polling defaults() {
        return new Polling(Duration.ofMillis(50), Duration.ofSeconds(2), 1.5, 0.2);
    }

    /** The same growth with another ceiling. */
    public Polling withMax(Duration newMax) {
        return new Polling(initial, newMax, multiplier, jitter);
    }

    /** The interval before the next look, given the nominal previous one ({@code null} for the first). */
    public Duration nominalAfter(Duration previous) {
        if (previous == null) {
            return initial;
        }
        long next = (long) (previous.toMillis() * multiplier);
        return Duration.ofMillis(Math.min(Math.max(next, initial.toMillis()), max.toMillis()));
    }

    /** {@code nominal} shortened by a random part of the jitter. */
    public Duration jittered(Duration nominal, RandomGenerator random) {
        double factor = 1 - jitter * random.nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (nominal.toMillis() * factor)));
    }
}
