package dev.mpibatch.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.local.LinkRate;

/**
 * Issue 5 part 2: the broadcast step (a pipelined chain) against the seed's sequential scp to one host after another
 * and against one host-to-host transfer (the physical limit), in the same cluster run, on rate-limited links.
 */
final class BroadcastBenchmark implements Benchmark {
    /** 25 MB/s per host: eight hosts' ssh streams (decrypt + encrypt on every hop) leave the two cores headroom. */
    static final LinkRate RATE = LinkRate.parse("200mbit");
    private static final Pattern CHAIN_LINE = Pattern.compile(
            "Broadcaster - broadcast f(\\d+)\\.bin \\((\\d+) bytes\\) to (\\d+) nodes through (?:a chain|\\d+ chains) "
                    + "in (\\d+) ms \\(\\d+ MB/s; hops connected in (\\d+) ms\\)");

    @Override
    public String name() {
        return "broadcast";
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        LocalJob.requireRoot();
        List<Integer> nodeCounts = options.quick() ? List.of(4) : List.of(4, 8);
        List<Integer> sizes = options.quick() ? List.of(16) : List.of(64, 256);
        int runs = Math.min(3, options.runs(1));
        Table table = Table.of(List.of("hosts", "file (MiB)", "single transfer (s)", "mpi-batch broadcast (s)",
                "of which connecting hops (s)", "sequential scp (s)", "broadcast / single", "scp / single", "copies verified"));
        BenchResult.Builder result = BenchResult.builder(name(), "Broadcast of a file from the main node to every node");
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        List<Map<String, Object>> raw = new ArrayList<>();
        for (int nodes : nodeCounts) {
            Path job = job(options.workDir(), nodes, sizes, runs);
            LocalJob.Output output = new LocalJob(options.repoRoot(), job, nodes).linkRate(RATE).run();
            Map<String, List<Double>> seconds = parse(output);
            for (int size : sizes) {
                double single = Stats.median(seconds.get("single " + size));
                double chain = Stats.median(seconds.get("broadcast " + size));
                double sequential = Stats.median(seconds.get("sequential " + size));
                long verified = output.benchLines().stream().filter(l -> l.get(0).equals("verified")
                        && l.get(1).matches("(f|seq|single)" + size + "\\.bin")).mapToLong(l -> Long.parseLong(l.get(2))).sum();
                table = table.row(nodes, size, Stats.fixed(single, 2), Stats.fixed(chain, 2),
                        Stats.fixed(Stats.median(seconds.get("connecting " + size)), 2), Stats.fixed(sequential, 2),
                        Stats.fixed(Stats.ratio(chain, single), 2), Stats.fixed(Stats.ratio(sequential, single), 2),
                        verified + " of " + ((runs + 1) * (nodes - 1) + runs));
                series.computeIfAbsent("broadcast, " + size + " MiB", k -> new ArrayList<>())
                        .add(new double[] {nodes, Stats.ratio(chain, single)});
                series.computeIfAbsent("scp, " + size + " MiB", k -> new ArrayList<>())
                        .add(new double[] {nodes, Stats.ratio(sequential, single)});
                raw.add(Map.of("hosts", nodes, "mib", size, "singleSeconds", seconds.get("single " + size),
                        "broadcastSeconds", seconds.get("broadcast " + size),
                        "connectingSeconds", seconds.get("connecting " + size),
                        "sequentialSeconds", seconds.get("sequential " + size), "copiesVerified", verified));
                if (nodes == 8 || options.quick()) {
                    double ratio = Stats.ratio(chain, single);
                    result.target("broadcast, " + nodes + " hosts, " + size + " MiB", "within 1.3x one transfer",
                            Stats.fixed(ratio, 2) + "x (" + Stats.fixed(chain, 1) + " s vs " + Stats.fixed(single, 1)
                                    + " s)", ratio <= 1.3);
                }
            }
        }
        List<Series> plotted = series.entrySet().stream().map(e -> new Series(e.getKey(), e.getValue())).toList();
        return result.method(method(runs))
                .table(table)
                .plot(new Plot("Broadcast time relative to one host-to-host transfer", "hosts", "time / single transfer",
                        false, plotted))
                .data("linkRate", RATE.toString())
                .data("runs", raw)
                .build();
    }

    private static String method(int runs) {
        return "Namespace hosts from `mpi-batch local` (the agent as it runs on AWS), every host's link capped at "
                + RATE + " in both directions (`tc tbf` on both ends of its veth: " + RATE + " = 25 MB/s, so that "
                + "eight hosts' ssh encryption and decryption leave the machine's two cores headroom; at 400 Mbit/s "
                + "they compete for them). In one cluster run per host count, the main node sends a random file: "
                + "**single** = one `scp` to one host (the limit: every host must receive the bytes once); "
                + "**mpi-batch broadcast** = the plan's `broadcast` step (a pipelined chain through every host, "
                + "timed by the agent including its SHA-256); **sequential scp** = the seed's method, `scp` to one "
                + "host after another. All three use the cluster's ssh_config (host keys verified) and the cipher "
                + "aes128-gcm@openssh.com (AES-NI). Single and broadcast alternate " + runs + " times (median), "
                + "sequential scp runs once per size. Every copy's SHA-256 is then computed on its host over ssh and "
                + "compared with the original before the copy is removed.";
    }

    private static Path job(Path dir, int nodes, List<Integer> sizes, int runs) throws Exception {
        LocalJob.writeScript("broadcast-bench.sh", dir.resolve("bench.sh"));
        List<String> steps = new ArrayList<>();
        for (int size : sizes) {
            steps.add("- sh: sh bench.sh make " + size);
        }
        for (int size : sizes) {
            for (int run = 0; run < runs; run++) {
                steps.add("- sh: sh bench.sh single " + size);
                steps.add("- broadcast: [f" + size + ".bin]");
                steps.add("- sh: sh bench.sh broadcast-copies " + size);
            }
            steps.add("- sh: sh bench.sh sequential " + size);
        }
        return LocalJob.write(dir, "broadcast-" + nodes, nodes, List.of("bench.sh"), steps);
    }

    /** Seconds per measurement, keyed "single 64", "broadcast 64", "sequential 64". */
    private static Map<String, List<Double>> parse(LocalJob.Output output) {
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (List<String> line : output.benchLines()) {
            if (line.get(0).equals("single") || line.get(0).equals("sequential")) {
                seconds.computeIfAbsent(line.get(0) + " " + line.get(1), k -> new ArrayList<>())
                        .add(Double.parseDouble(line.get(2)) / 1000);
            }
        }
        Matcher m = CHAIN_LINE.matcher(output.err());
        while (m.find()) {
            seconds.computeIfAbsent("broadcast " + m.group(1), k -> new ArrayList<>())
                    .add(Double.parseDouble(m.group(4)) / 1000);
            seconds.computeIfAbsent("connecting " + m.group(1), k -> new ArrayList<>())
                    .add(Double.parseDouble(m.group(5)) / 1000);
        }
        return seconds;
    }
}
