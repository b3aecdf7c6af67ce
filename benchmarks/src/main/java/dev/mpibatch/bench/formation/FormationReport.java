package dev.mpibatch.bench.formation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

import dev.mpibatch.bench.BenchResult;
import dev.mpibatch.bench.Stats;
import dev.mpibatch.bench.Table;
import dev.mpibatch.bench.formation.FormationBenchmark.Measured;

/** Turns the formation runs into the table, targets, plot and notes of docs/benchmarks.md. */
final class FormationReport {
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private FormationReport() {
    }

    static BenchResult build(List<Measured> results, int runs, List<Integer> sizes) {
        Table table = Table.of(List.of("N", "latency", "time s (median)", "min-max s", "records in s", "bundles out s",
                "req/node", "PUT/node", "GET/node", "LIST/node", "DELETE/node", "max req one node",
                "bytes/worker", "main bytes read", "main keys listed", "main's HTTP bytes/node", "peak req/s",
                "notice delay median/max ms", "told by doorbell", "CPU busy", "CPU s: main / workers / rest"));
        for (Measured m : results) {
            int n = m.n();
            table = table.row(n, m.latency().toMillis() + " ms", Stats.fixed(m.medianSeconds(), 3),
                    Stats.fixed(min(m, SimulatedFormation.Outcome::seconds), 3) + "-"
                            + Stats.fixed(max(m, SimulatedFormation.Outcome::seconds), 3),
                    Stats.fixed(median(m, SimulatedFormation.Outcome::gathered), 3),
                    Stats.fixed(median(m, SimulatedFormation.Outcome::published), 3),
                    Stats.fixed(requestsPerNode(m), 2),
                    Stats.fixed(median(m, o -> o.ledger().total(RequestLedger.Type.PUT) / (double) n), 2),
                    Stats.fixed(median(m, o -> o.ledger().total(RequestLedger.Type.GET) / (double) n), 2),
                    Stats.fixed(median(m, o -> o.ledger().total(RequestLedger.Type.LIST) / (double) n), 2),
                    Stats.fixed(median(m, o -> o.ledger().total(RequestLedger.Type.DELETE) / (double) n), 2),
                    Stats.fixed(median(m, o -> IntStream.range(0, n).mapToLong(i -> o.ledger().requests(i)).max()
                            .orElse(0)), 0),
                    Stats.fixed(workerBytes(m), 0),
                    Stats.fixed(median(m, o -> o.ledger().bytesRead(0)), 0),
                    Stats.fixed(median(m, o -> o.ledger().keysListed(0)), 0),
                    Stats.fixed(Stats.median(m.proxies().stream().map(p -> p.bytesToClients() / (double) n).toList()), 0),
                    peak(m),
                    Stats.fixed(median(m, o -> pollDelay(o, n, 0.5)), 0) + " / "
                            + Stats.fixed(median(m, o -> pollDelay(o, n, 1.0)), 0),
                    Stats.fixed(median(m, o -> n - 1 - o.ledger().unrungCount()), 0) + " of " + (n - 1),
                    Stats.fixed(100 * median(m, o -> o.cpuSeconds() / (o.seconds() * CORES)), 0) + "%",
                    Stats.fixed(median(m, o -> o.cpuByRole().get("main")), 2) + " / "
                            + Stats.fixed(median(m, o -> o.cpuByRole().get("workers")), 2) + " / "
                            + Stats.fixed(median(m, o -> o.cpuByRole().get("rest")), 2));
        }
        BenchResult.Builder result = BenchResult.builder("formation", "Cluster formation (rendezvous v2)")
                .method(method(runs, sizes))
                .table(table)
                .plot(FormationBenchmark.plot(results));
        targets(result, results);
        notes(result, results);
        results.forEach(m -> result.data("N" + m.n() + "-" + m.latency().toMillis() + "ms", m.raw()));
        return result.build();
    }

    private static String method(int runs, List<Integer> sizes) {
        return "What is measured is the protocol as the main node runs it, with the workers simulated cheaply. For N "
                + "in " + sizes + ", the main node runs the agent's own code for everything before sshd and MPI: two "
                + "ed25519 keys made in Java and written in OpenSSH format, registration, gathering the records "
                + "(LIST, then GETs 64 at a time as records appear), checking them, signing two certificates per node "
                + "and writing the bundles 64 at a time, telling each worker through its doorbell right after its "
                + "bundle is written, installing its own SSH files, `ready/`, and waiting for every `ready/`, with "
                + "the agent's S3 client against an embedded S3Proxy (SigV4 checked) through `testkit`'s "
                + "S3FaultProxy adding 0 or 20 ms to every request (20 ms: a typical S3 small-object latency). The "
                + "N-1 workers are threads of the same JVM that do in the store and on the network what a worker "
                + "does, with the agent's own Rendezvous code: register, wait on their doorbell (a loopback address "
                + "each, 127.2.x.y), read and check their bundle, `ready/`; their keys and doorbells are made before "
                + "the start, and their requests reach S3Proxy's objects directly, each after the same added "
                + "latency, so that a thousand S3 clients and key generations, which real workers run on their own "
                + "machines, do not take the two cores from the main node. Time runs from a start barrier that "
                + "releases all nodes at once to the main node ready to launch MPI; median of " + runs + " runs. "
                + "Requests are counted by a store decorator, a node's own objects counting for that node whoever "
                + "asked (the main node's GET of its record and PUT of its bundle), LISTs for the main node; cleanup "
                + "(DELETE) comes after formation and is not counted. Bytes are object bodies read; the main node's "
                + "HTTP bytes (headers, XML listings and error bodies included, from the latency proxy) are shown "
                + "per node. Peak req/s is the busiest one-second window of all nodes' requests together (highest "
                + "of the runs). Notice delay: how long after the main node wrote a worker's bundle the worker read "
                + "it (median and slowest worker); told by doorbell: workers whose doorbell the main node rang (the "
                + "others found their bundle by the slow fallback poll). CPU busy: the JVM's CPU time (main node, "
                + "simulated workers, S3Proxy and the proxy together) over wall time times " + CORES + " cores; "
                + "the last column splits it by thread, sampled every 10 ms: the main node's own thread and its "
                + "request pool, the simulated workers' threads and doorbells, and the rest (S3Proxy's and the latency "
                + "proxy's threads, garbage collection, the JIT).";
    }

    private static void targets(BenchResult.Builder result, List<Measured> results) {
        for (Measured m : results) {
            if (m.latency().equals(Duration.ofMillis(20)) && (m.n() == 256 || m.n() == 1000)) {
                double goal = m.n() == 256 ? 1.0 : 2.0;
                result.target("formation, N=" + m.n() + ", 20 ms", "< " + Stats.fixed(goal, 0) + " s",
                        Stats.fixed(m.medianSeconds(), 3) + " s", m.medianSeconds() < goal);
            }
        }
        Measured worstRequests = results.stream().max((a, b) -> Double.compare(requestsPerNode(a), requestsPerNode(b)))
                .orElseThrow();
        result.target("S3 requests per node (worst N and latency)", "<= 10",
                Stats.fixed(requestsPerNode(worstRequests), 2) + " (N=" + worstRequests.n() + ", "
                        + worstRequests.latency().toMillis() + " ms)", requestsPerNode(worstRequests) <= 10);
        Measured worstPeak = results.stream().max((a, b) -> Integer.compare(peak(a), peak(b))).orElseThrow();
        result.target("peak requests per second on the prefix", "<= 5000", peak(worstPeak) + " (N=" + worstPeak.n()
                + ", " + worstPeak.latency().toMillis() + " ms)", peak(worstPeak) <= 5000);
        List<Measured> slow = results.stream().filter(m -> m.latency().equals(Duration.ofMillis(20))).toList();
        Measured small = slow.get(0);
        Measured large = slow.get(slow.size() - 1);
        double growth = workerBytes(large) / workerBytes(small);
        result.target("bytes per worker grow slower than N", "ratio < " + large.n() / small.n(),
                Stats.fixed(workerBytes(small), 0) + " B at N=" + small.n() + ", " + Stats.fixed(workerBytes(large), 0)
                        + " B at N=" + large.n() + " (x" + Stats.fixed(growth, 2) + ")", growth < large.n() / (double) small.n());
    }

    private static void notes(BenchResult.Builder result, List<Measured> results) {
        for (Measured m : results) {
            if (!m.latency().equals(Duration.ofMillis(20)) || m.n() < 256) {
                continue;
            }
            double requests = requestsPerNode(m) * m.n();
            double cpu = median(m, SimulatedFormation.Outcome::cpuSeconds);
            result.note(String.format(java.util.Locale.ROOT, "N=%d, 20 ms: the last node's record was written after "
                    + "%.3f s (all workers register at once; the main node first makes its keys, %d cores); the main node held every checked "
                    + "record after %.3f s and had written every bundle after %.3f s; formation ended at %.3f s. "
                    + "Workers read their bundle a median %.0f ms (slowest %.0f ms) after it was written (told by "
                    + "their doorbell, no polling). The JVM (main node, simulated workers, S3Proxy and the proxy) was "
                    + "%.0f%% busy (%.2f CPU-s for %.0f requests, %.2f ms of CPU per request); of that the main "
                    + "node's own threads took %.2f s, the simulated workers %.2f s and the rest (S3Proxy, the latency "
                    + "proxy, GC, JIT) %.2f s.",
                    m.n(), median(m, SimulatedFormation.Outcome::registered), CORES,
                    median(m, SimulatedFormation.Outcome::gathered), median(m, SimulatedFormation.Outcome::published),
                    m.medianSeconds(), median(m, o -> pollDelay(o, m.n(), 0.5)), median(m, o -> pollDelay(o, m.n(), 1.0)),
                    100 * median(m, o -> o.cpuSeconds() / (o.seconds() * CORES)), cpu, requests,
                    1000 * cpu / requests, median(m, o -> o.cpuByRole().get("main")),
                    median(m, o -> o.cpuByRole().get("workers")), median(m, o -> o.cpuByRole().get("rest"))));
        }
    }

    static double requestsPerNode(Measured m) {
        return median(m, o -> {
            long total = 0;
            for (RequestLedger.Type type : RequestLedger.Type.values()) {
                total += o.ledger().total(type);
            }
            return total / (double) m.n();
        });
    }

    private static int peak(Measured m) {
        return m.outcomes().stream().mapToInt(o -> o.ledger().peakPerSecond()).max().orElse(0);
    }

    private static double workerBytes(Measured m) {
        return median(m, o -> Stats.median(IntStream.range(1, m.n()).mapToObj(i -> (double) o.ledger().bytesRead(i))
                .toList()));
    }

    /** The {@code quantile} (0.5 median, 1.0 slowest) of the workers' delays in reading their bundles. */
    private static double pollDelay(SimulatedFormation.Outcome o, int n, double quantile) {
        List<Double> delays = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            double d = o.ledger().detectionMillis(i);
            if (d >= 0) {
                delays.add(d);
            }
        }
        if (delays.isEmpty()) {
            return 0;
        }
        delays.sort(Double::compare);
        return quantile >= 1.0 ? delays.get(delays.size() - 1) : Stats.median(delays);
    }

    private static double median(Measured m, ToDoubleFunction<SimulatedFormation.Outcome> f) {
        return Stats.median(m.outcomes().stream().map(o -> f.applyAsDouble(o)).toList());
    }

    private static double min(Measured m, ToDoubleFunction<SimulatedFormation.Outcome> f) {
        return Stats.min(m.outcomes().stream().map(o -> f.applyAsDouble(o)).toList());
    }

    private static double max(Measured m, ToDoubleFunction<SimulatedFormation.Outcome> f) {
        return Stats.max(m.outcomes().stream().map(o -> f.applyAsDouble(o)).toList());
    }
}
