package dev.mpibatch.bench;

import java.util.Objects;

/**
 * One target of the issue and what the run measured against it.
 *
 * @param name     what is measured (e.g. "formation at N=1000, 20 ms latency")
 * @param goal     the target as text (e.g. "< 2 s")
 * @param measured what was measured, as text (e.g. "1.42 s")
 * @param met      whether the measurement meets the target
 */
public record Target(String name, String goal, String measured, boolean met) {
    public Target {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(goal, "goal");
        Objects.requireNonNull(measured, "measured");
    }
}
