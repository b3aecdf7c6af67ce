package dev.mpibatch.bench;

/**
 * One benchmark of the harness: it measures, compares side by side in the same run, and returns what it saw.
 *
 * <p>Implementations never assert timings: they report figures and whether each target was met, and
 * {@link BenchMain} writes them to {@code docs/benchmarks/<name>.json}, a plot, and {@code docs/benchmarks.md}.
 */
public interface Benchmark {

    /** A short lower-case name, used on the command line and for the result files (e.g. {@code formation}). */
    String name();

    /** Runs the benchmark. Resources it starts (servers, namespaces, processes) are gone when it returns or throws. */
    BenchResult run(BenchOptions options) throws Exception;
}
