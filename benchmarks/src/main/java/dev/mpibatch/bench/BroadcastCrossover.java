package dev.mpibatch.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a broadcast's tree stops beating its chain: the same files sent along a tree only (one cluster) and along a
 * chain only (another), the agent's choice forced with its tuning variable, on 8 and 16 hosts at the broadcast
 * benchmark's link rate. The agent's default threshold comes from this table.
 */
final class BroadcastCrossover {
    private static final List<Integer> HOSTS = List.of(8, 16);
    private static final List<Integer> SIZES_KIB = List.of(64, 256, 1024, 4096);

    private final BenchOptions options;
    private final int runs;

    BroadcastCrossover(BenchOptions options, int runs) {
        this.options = options;
        this.runs = runs;
    }

    /** What was measured, to add to the broadcast benchmark's result. */
    record Result(Table table, Plot plot, String note, List<Map<String, Object>> raw) {
        void addTo(BenchResult.Builder result) {
            result.table(table).plot(plot).note(note).data("crossover", raw);
        }
    }

    Result measure() throws Exception {
        Table table = Table.of(List.of("hosts", "file", "tree (s)", "chain (s)", "tree / chain", "copies verified"));
        List<Series> series = new ArrayList<>();
        List<Map<String, Object>> raw = new ArrayList<>();
        StringBuilder note = new StringBuilder("Crossover (second table): ");
        for (int hosts : HOSTS) {
            Map<String, List<Double>> tree = run(hosts, "tree", Integer.MAX_VALUE);
            Map<String, List<Double>> chain = run(hosts, "chain", -1);
            List<double[]> treePoints = new ArrayList<>();
            List<double[]> chainPoints = new ArrayList<>();
            Integer firstChainWin = null;
            for (int kib : SIZES_KIB) {
                double t = Stats.median(tree.get("broadcast " + kib));
                double c = Stats.median(chain.get("broadcast " + kib));
                table = table.row(hosts, BroadcastBenchmark.size(kib), Stats.fixed(t, 2), Stats.fixed(c, 2),
                        Stats.fixed(Stats.ratio(t, c), 2), tree.get("verified " + kib).get(0).longValue() + " + "
                                + chain.get("verified " + kib).get(0).longValue() + " of " + 2 * runs * (hosts - 1));
                treePoints.add(new double[] {kib, t});
                chainPoints.add(new double[] {kib, c});
                if (firstChainWin == null && c <= t) {
                    firstChainWin = kib;
                }
                raw.add(Map.of("hosts", hosts, "kib", kib, "treeSeconds", tree.get("broadcast " + kib),
                        "chainSeconds", chain.get("broadcast " + kib)));
            }
            series.add(new Series("tree, " + hosts + " hosts", treePoints));
            series.add(new Series("chain, " + hosts + " hosts", chainPoints));
            note.append(hosts).append(" hosts: ").append(firstChainWin == null
                    ? "the tree was faster up to " + BroadcastBenchmark.size(SIZES_KIB.get(SIZES_KIB.size() - 1))
                    : "the chain was as fast or faster from " + BroadcastBenchmark.size(firstChainWin)).append("; ");
        }
        note.append("the agent sends files up to 1 MiB along the tree (`MPI_BATCH_BROADCAST_TREE_MAX` bytes moves the "
                + "threshold: a faster network moves it up, since a tree node sends the file once per child over "
                + "its link while a chain's relays start one after the other).");
        Plot plot = new Plot("Broadcast time, tree vs chain, by file size (KiB)", "file size (KiB)", "seconds", true,
                series);
        return new Result(table, plot, note.toString(), raw);
    }

    /** One cluster sending every size {@code runs} times with the agent's choice forced to {@code how}. */
    private Map<String, List<Double>> run(int hosts, String how, long treeMax) throws Exception {
        Path dir = options.workDir();
        LocalJob.writeScript("broadcast-bench.sh", dir.resolve("bench.sh"));
        List<String> steps = new ArrayList<>();
        steps.add("- sh: head -c 1 /dev/urandom > warm.bin");
        for (int kib : SIZES_KIB) {
            steps.add("- sh: sh bench.sh make " + kib);
        }
        steps.add("- broadcast: [warm.bin]");
        for (int kib : SIZES_KIB) {
            for (int run = 0; run < runs; run++) {
                steps.add("- broadcast: [f" + kib + ".bin]");
                steps.add("- sh: sh bench.sh broadcast-copies " + kib);
            }
        }
        Path job = LocalJob.write(dir, "crossover-" + how + "-" + hosts, hosts, List.of("bench.sh"), steps);
        LocalJob.Output output = new LocalJob(options.repoRoot(), job, hosts).linkRate(BroadcastBenchmark.RATE)
                .environment(BroadcastBenchmark.treeMaxVariable(), Long.toString(treeMax)).run();
        Map<String, List<Double>> seconds = BroadcastBenchmark.parse(output);
        for (int kib : SIZES_KIB) {
            seconds.put("verified " + kib, List.of((double) BroadcastBenchmark.verified(output, kib)));
        }
        return seconds;
    }
}
