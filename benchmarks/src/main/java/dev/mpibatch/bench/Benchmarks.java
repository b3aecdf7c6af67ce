package dev.mpibatch.bench;

import java.util.List;

import dev.mpibatch.bench.formation.FormationBenchmark;

/** Every benchmark of the harness, in the order docs/benchmarks.md shows them. */
public final class Benchmarks {
    private Benchmarks() {
    }

    public static List<Benchmark> all() {
        return List.of(new FormationBenchmark(), new BroadcastBenchmark(), new SharedCoresBenchmark(), new LaunchBenchmark(),
                new FootprintBenchmark(), new CliBenchmark());
    }

    public static List<String> names() {
        return all().stream().map(Benchmark::name).toList();
    }
}
