package dev.mpibatch.bench.formation;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.mpibatch.agent.rendezvous.RendezvousStore;
import dev.mpibatch.agent.rendezvous.RendezvousStores;
import dev.mpibatch.bench.BenchOptions;
import dev.mpibatch.bench.BenchResult;
import dev.mpibatch.bench.Benchmark;
import dev.mpibatch.bench.Plot;
import dev.mpibatch.bench.Series;
import dev.mpibatch.bench.Stats;
import dev.mpibatch.testing.S3ProxyFixture;
import dev.mpibatch.testkit.ProxyStats;
import dev.mpibatch.testkit.S3FaultProxy;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Formation: the main node's own code against S3Proxy through a latency proxy, with N-1 workers simulated cheaply
 * ({@link SimulatedFormation}), from the start barrier to the main node ready to launch MPI.
 */
public final class FormationBenchmark implements Benchmark {
    private static final String BUCKET = "formation";
    private static final List<Integer> SIZES = List.of(8, 64, 256, 1000);
    private static final List<Integer> QUICK_SIZES = List.of(8, 64);
    private static final List<Duration> LATENCIES = List.of(Duration.ZERO, Duration.ofMillis(20));

    @Override
    public String name() {
        return "formation";
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        // 1,000 nodes in one JVM share the JDK's HTTP keep-alive cache (5 idle connections per server by default);
        // each real node has its own JVM and keeps its connection.
        System.setProperty("http.maxConnections", "1200");
        // A thousand agents each log a line or two; here that would be the benchmark's own noise.
        System.setProperty("org.slf4j.simpleLogger.log.dev.mpibatch.agent", "warn");
        int runs = options.runs(1);
        List<Integer> sizes = options.quick() ? QUICK_SIZES : SIZES;
        List<Measured> results = new ArrayList<>();
        try (S3ProxyFixture s3 = S3ProxyFixture.startWithBucket(BUCKET)) {
            // One formation first, not counted: classes loaded and compiled once in this JVM, as they are in each
            // node's own agent JVM before it registers (its start-up is the agent footprint benchmark's subject).
            measure(s3, Duration.ZERO, 8, 1, options.workDir());
            for (Duration latency : LATENCIES) {
                for (int n : sizes) {
                    results.add(measure(s3, latency, n, runs, options.workDir()));
                }
            }
        }
        return FormationReport.build(results, runs, sizes);
    }

    private static Measured measure(S3ProxyFixture s3, Duration latency, int n, int runs, Path workDir) throws Exception {
        List<SimulatedFormation.Outcome> outcomes = new ArrayList<>();
        List<ProxyStats> proxies = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            String jobId = "bench-" + n + "-" + latency.toMillis() + "ms-" + run;
            Path dir = Files.createDirectories(workDir.resolve(jobId));
            try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).latency(latency).start();
                 S3Client client = RendezvousStores.s3Client(Optional.of(proxy.endpoint()), s3.credentialsEnvironment());
                 RendezvousStore store = RendezvousStores.open("s3://" + BUCKET + "/rdv", client, jobId, 1)) {
                outcomes.add(SimulatedFormation.run(store,
                        () -> new DirectStore(s3.blobStore(), BUCKET, "rdv/", jobId, 1, latency), n, jobId, dir));
                proxies.add(proxy.stats());
                store.deleteAll();
            } finally {
                deleteTree(dir);
            }
            System.err.printf("formation: N=%d latency=%dms run %d: %.3f s%n", n, latency.toMillis(), run + 1,
                    outcomes.get(outcomes.size() - 1).seconds());
        }
        return new Measured(n, latency, outcomes, proxies);
    }

    /** Every run of one (N, latency) point. */
    record Measured(int n, Duration latency, List<SimulatedFormation.Outcome> outcomes, List<ProxyStats> proxies) {
        Map<String, Object> raw() {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("nodes", n);
            data.put("latencyMs", latency.toMillis());
            data.put("seconds", outcomes.stream().map(SimulatedFormation.Outcome::seconds).toList());
            data.put("cpuSeconds", outcomes.stream().map(SimulatedFormation.Outcome::cpuSeconds).toList());
            data.put("registeredSeconds", outcomes.stream().map(SimulatedFormation.Outcome::registered).toList());
            data.put("requestsPerNode", FormationReport.requestsPerNode(this));
            data.put("peakPerSecond", proxies.stream().map(ProxyStats::peakPerSecond).toList());
            return data;
        }

        double medianSeconds() {
            return Stats.median(outcomes.stream().map(SimulatedFormation.Outcome::seconds).toList());
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static Plot plot(List<Measured> results) {
        List<Series> series = new ArrayList<>();
        for (Duration latency : LATENCIES) {
            List<double[]> points = results.stream().filter(m -> m.latency().equals(latency))
                    .map(m -> new double[] {m.n(), m.medianSeconds()}).toList();
            series.add(new Series(latency.toMillis() + " ms per request", points));
        }
        return new Plot("Formation time vs N (median)", "nodes (N)", "seconds to ready", true, series);
    }
}
