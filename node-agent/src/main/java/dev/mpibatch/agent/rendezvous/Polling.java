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
    /**
     * What all workers together may spend on looking for their bundles, in requests per second: S3 answers 503
     * SlowDown above 5,500 GETs per second per prefix, and the main node's own requests need room too.
     */
    static final int WORKER_POLLS_PER_SECOND = 2500;

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

    /**
     * How a worker of an {@code numNodes}-node cluster looks for its bundle after {@link #firstBundleLook}: never so
     * often that all workers together exceed {@link #WORKER_POLLS_PER_SECOND} (the mean interval is at least
     * {@code numNodes / WORKER_POLLS_PER_SECOND}), growing by half up to 5 s (a slow main node costs a worker a
     * handful of requests, not one per interval), jittered by 30%.
     */
    public static Polling forBundle(int numNodes) {
        long floor = Math.max(50, Math.round(numNodes * 1000.0 / WORKER_POLLS_PER_SECOND / 0.85));
        return new Polling(Duration.ofMillis(floor), Duration.ofSeconds(5), 1.5, 0.3);
    }

    /**
     * When a worker first looks for its bundle, counted from its registration: about when the main node can have
     * published it (it lists, reads, signs and writes O(N) objects, 64 at a time), uniformly spread over half to one
     * and a half times that so that a thousand workers do not look at the same moment.
     */
    public static Duration firstBundleLook(int numNodes, RandomGenerator random) {
        double expectedMillis = 100 + 0.5 * numNodes;
        return Duration.ofMillis(Math.round(expectedMillis * (0.5 + random.nextDouble())));
    }

    /** The same growth starting no shorter than {@code floor}. */
    public Polling withInitialAtLeast(Duration floor) {
        return initial.compareTo(floor) >= 0 ? this : new Polling(floor, max.compareTo(floor) >= 0 ? max : floor,
                multiplier, jitter);
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
