package dev.mpibatch.bench;

import java.util.List;

/** Every benchmark of the harness, in the order docs/benchmarks.md shows them. */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static List<Benchmark> all() {
        return List.of(new CliBenchmark());
    }

    public static List<String> names() {
        return all().stream().map(Benchmark::name).toList();
    }
}
