package dev.mpibatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The harness's command line: {@code bin/bench [NAME...] [--quick] [--runs N]}, or {@code bin/bench --report}. Runs the named benchmarks (all by
 * default), one after another, prints each one's tables, saves its JSON and plots under {@code docs/benchmarks/},
 * and regenerates {@code docs/benchmarks.md}. Exit codes: 0 every benchmark ran (targets met or not: the report says),
 * 1 a benchmark failed to run, 2 bad usage.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, Path.of(System.getProperty("mpiBatch.root", ".")).toAbsolutePath().normalize()));
    }

    static int run(String[] args, Path repoRoot) throws IOException {
        boolean quick = false;
        boolean reportOnly = false;
        int runs = 5;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--report" -> reportOnly = true;
                case "--runs" -> {
                    if (i + 1 >= args.length || !args[i + 1].matches("[1-9][0-9]*")) {
                        return usage("--runs needs a positive whole number");
                    }
                    runs = Integer.parseInt(args[++i]);
                }
                case "-h", "--help" -> {
                    System.out.println(help());
                    return 0;
                }
                default -> {
                    if (args[i].startsWith("-")) {
                        return usage("unknown option '" + args[i] + "'");
                    }
                    names.add(args[i]);
                }
            }
        }
        List<Benchmark> chosen = new ArrayList<>();
        if (reportOnly && !names.isEmpty()) {
            return usage("--report regenerates docs/benchmarks.md from the saved results: name no benchmark with it");
        }
        for (String name : reportOnly ? List.<String>of() : names.isEmpty() || names.contains("all") ? Benchmarks.names() : names) {
            Benchmark benchmark = Benchmarks.all().stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
            if (benchmark == null) {
                return usage("no benchmark named '" + name + "'; there are: " + String.join(", ", Benchmarks.names()));
            }
            chosen.add(benchmark);
        }
        ResultFiles files = new ResultFiles(repoRoot.resolve("docs/benchmarks"));
        String machine = MachineInfo.current().markdown();
        int failures = 0;
        for (Benchmark benchmark : chosen) {
            Path work = Files.createTempDirectory("mpi-batch-bench-" + benchmark.name() + "-");
            long start = System.nanoTime();
            String loadBefore = MachineInfo.loadAverage();
            System.err.println("bench: running " + benchmark.name() + (quick ? " (quick)" : "") + " ...");
            try {
                BenchResult result = benchmark.run(new BenchOptions(quick, runs, work, repoRoot));
                double seconds = (System.nanoTime() - start) / 1e9;
                String command = "bin/bench " + benchmark.name() + (quick ? " --quick" : "")
                        + (runs != 5 ? " --runs " + runs : "");
                String loaded = machine + "; load average (1 min) " + loadBefore + " at the start, "
                        + MachineInfo.loadAverage() + " at the end (other helpers' builds and tests share the machine)";
                files.save(new ResultFiles.Saved(result, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), loaded, command, seconds, quick));
                result.tables().forEach(t -> System.out.println(ReportWriter.markdown(t)));
                result.targets().forEach(t -> System.out.println((t.met() ? "met     " : "NOT MET ") + t.name()
                        + ": " + t.goal() + ", measured " + t.measured()));
            } catch (Exception e) {
                failures++;
                System.err.println("bench: " + benchmark.name() + " failed: " + e);
                e.printStackTrace();
            } finally {
                deleteTree(work);
            }
        }
        Path report = repoRoot.resolve("docs/benchmarks.md");
        Files.writeString(report, ReportWriter.render(files.loadAll(Benchmarks.names())));
        System.err.println("bench: wrote " + report + " and " + files.dir());
        return failures == 0 ? 0 : 1;
    }

    private static int usage(String problem) {
        System.err.println("bench: " + problem + "\n" + help());
        return 2;
    }

    private static String help() {
        return "usage: bin/bench [NAME...] [--quick] [--runs N] | bin/bench --report\n  benchmarks: "
                + String.join(", ", Benchmarks.names())
                + "\n  --quick   a small smoke run\n  --runs N  repetitions per measurement (default 5; the median is reported)"
                + "\n  --report  only regenerate docs/benchmarks.md from docs/benchmarks/*.json";
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
