package dev.mpibatch.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to run a benchmark.
 *
 * @param quick    a small smoke run (fewer sizes, fewer repetitions) to check that the harness works
 * @param runs     how many times each measurement is repeated (the median is reported)
 * @param workDir  a scratch directory the benchmark may fill; it is deleted afterwards
 * @param repoRoot the source checkout (examples, built jars)
 */
public record BenchOptions(boolean quick, int runs, Path workDir, Path repoRoot) {
    public BenchOptions {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(repoRoot, "repoRoot");
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs);
        }
    }

    /** The runs to make: {@code runs}, or at most {@code quickRuns} in a quick run. */
    public int runs(int quickRuns) {
        return quick ? Math.min(runs, quickRuns) : runs;
    }
}
