package dev.mpibatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Issue 5 part 4: an idle worker agent's resident memory and CPU while the main node runs a long step, measured from
 * {@code /proc} on a namespace host, with the agent's JVM options of the seed and of the entrypoint today; the main
 * node's agent and its sshd too.
 */
final class FootprintBenchmark implements Benchmark {
    static final long TARGET_RSS_KIB = 64 * 1024;
    /** The entrypoint's JVM options before they were tuned. */
    static final String SEED_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx192m -Xshare:auto";

    @Override
    public String name() {
        return "footprint";
    }

    /** What one cluster run showed over the measuring window. */
    private record Footprint(String jvmOptions, long workerMaxKib, double workerMedianMib, long workerAnonKib,
                             double workerCpu, long mainMaxKib, double mainMedianMib, long mainAnonKib, double mainCpu,
                             long sshdKib, double sshdCpu, List<Double> workerRss) {
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        LocalJob.requireRoot();
        int seconds = options.quick() ? 10 : 60;
        Footprint seed = measure(options, seconds, Optional.of(SEED_OPTIONS));
        Footprint now = measure(options, seconds, Optional.empty());
        Table table = Table.of(List.of("JVM options", "agent", "RSS max (MiB)", "RSS median (MiB)",
                "anonymous (MiB)", "CPU over " + seconds + " s (% of one core)"));
        for (Footprint f : List.of(seed, now)) {
            String label = f == seed ? "seed" : "now";
            table = table.row(label, "worker (idle)", mib(f.workerMaxKib()), Stats.fixed(f.workerMedianMib(), 1),
                    mib(f.workerAnonKib()), Stats.fixed(f.workerCpu(), 2));
            table = table.row(label, "main (waiting for its step)", mib(f.mainMaxKib()),
                    Stats.fixed(f.mainMedianMib(), 1), mib(f.mainAnonKib()), Stats.fixed(f.mainCpu(), 2));
            table = table.row(label, "main's sshd, with the connections it served", mib(f.sshdKib()), "", "",
                    Stats.fixed(f.sshdCpu(), 2));
        }
        return BenchResult.builder(name(), "The agent stays out of the workload's way")
                .method("A 2-host namespace cluster from `mpi-batch local` (local-directory rendezvous) whose plan is "
                        + "`sh: sleep " + (seconds + 10) + "`. Once the step runs, both agents' `/proc/<pid>/status` "
                        + "(VmRSS, RssAnon) and `/proc/<pid>/stat` (utime + stime) are read every second for " + seconds
                        + " s; main's sshd counts the CPU of the connections it served (children's times). Two runs: "
                        + "the seed's JVM options `" + seed.jvmOptions() + "` and today's entrypoint `"
                        + now.jvmOptions() + "`.")
                .table(table)
                .target("idle worker agent RSS", "at most 64 MiB", mib(now.workerMaxKib()) + " MiB",
                        now.workerMaxKib() <= TARGET_RSS_KIB)
                .target("idle worker agent CPU", "below 1% of one core", Stats.fixed(now.workerCpu(), 2) + "%",
                        now.workerCpu() < 1)
                .plot(new Plot("Idle worker agent's resident memory", "seconds", "RSS (MiB)", false, List.of(
                        series("seed options", seed.workerRss()), series("today's options", now.workerRss()))))
                .data("seed", seed).data("now", now)
                .build();
    }

    private static Series series(String name, List<Double> values) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            points.add(new double[] {i + 1, values.get(i)});
        }
        return new Series(name, points);
    }

    private static String mib(long kib) {
        return Stats.fixed(kib / 1024.0, 1);
    }

    private static Footprint measure(BenchOptions options, int seconds, Optional<String> jvmOptions) throws Exception {
        Path job = LocalJob.write(options.workDir(), "footprint", 2, List.of(), List.of("- sh: sleep " + (seconds + 10)));
        LocalJob local = new LocalJob(options.repoRoot(), job, 2);
        jvmOptions.ifPresent(o -> local.environment("MPI_BATCH_AGENT_JVM_OPTS", o));
        CompletableFuture<LocalJob.Output> run = CompletableFuture.supplyAsync(local::run);
        long main = await(run, 0);
        long worker = await(run, 1);
        awaitStep(run, main);
        long sshd = ProcessHandle.of(main).flatMap(p -> p.children().filter(c -> c.info().command()
                .map(x -> x.endsWith("sshd")).orElse(false)).findFirst()).map(ProcessHandle::pid)
                .orElseThrow(() -> new IllegalStateException("the main agent's sshd was not found"));
        Map<String, ProcessSample> start = Map.of("worker", ProcessSample.of(worker), "main", ProcessSample.of(main),
                "sshd", ProcessSample.of(sshd));
        List<Double> workerRss = new ArrayList<>();
        List<Double> mainRss = new ArrayList<>();
        long workerMax = 0;
        long mainMax = 0;
        ProcessSample workerLast = start.get("worker");
        ProcessSample mainLast = start.get("main");
        for (int i = 0; i < seconds; i++) {
            Thread.sleep(1000);
            workerLast = ProcessSample.of(worker);
            mainLast = ProcessSample.of(main);
            workerRss.add(workerLast.rssKib() / 1024.0);
            mainRss.add(mainLast.rssKib() / 1024.0);
            workerMax = Math.max(workerMax, workerLast.rssKib());
            mainMax = Math.max(mainMax, mainLast.rssKib());
        }
        ProcessSample sshdLast = ProcessSample.of(sshd);
        String used = jvmOptions(worker);
        run.join();
        ProcessSample sshdStart = start.get("sshd");
        double sshdCpu = percent(sshdLast.cpuTicks() + sshdLast.childTicks() - sshdStart.cpuTicks()
                - sshdStart.childTicks(), seconds);
        return new Footprint(used, workerMax, Stats.median(workerRss), workerLast.anonKib(),
                percent(workerLast.cpuTicks() - start.get("worker").cpuTicks(), seconds), mainMax,
                Stats.median(mainRss), mainLast.anonKib(), percent(mainLast.cpuTicks() - start.get("main").cpuTicks(),
                seconds), sshdLast.rssKib(), sshdCpu, workerRss);
    }

    private static double percent(long ticks, int seconds) {
        return 100.0 * ticks / ProcessSample.TICKS_PER_SECOND / seconds;
    }

    /** The pid of node {@code index}'s agent JVM (a descendant of this process), once it runs. */
    private static long await(CompletableFuture<?> run, int index) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                run.join();
                throw new IllegalStateException("the job ended before node " + index + "'s agent was seen");
            }
            Optional<ProcessHandle> agent = ProcessHandle.current().descendants().filter(p -> isAgent(p, index))
                    .findFirst();
            if (agent.isPresent()) {
                return agent.get().pid();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("node " + index + "'s agent did not start within 120 s");
    }

    /** Waits until the main agent runs its step (a child {@code sleep}): formation is over on both nodes. */
    private static void awaitStep(CompletableFuture<?> run, long main) throws Exception {
        while (ProcessHandle.of(main).map(p -> p.descendants().noneMatch(d -> d.info().command()
                .map(c -> c.endsWith("/sleep")).orElse(false))).orElse(true)) {
            if (run.isDone()) {
                run.join();
                throw new IllegalStateException("the job ended before its step ran");
            }
            Thread.sleep(200);
        }
        Thread.sleep(2000);
    }

    private static boolean isAgent(ProcessHandle process, int index) {
        if (!process.info().commandLine().map(c -> c.contains("mpi-batch-agent.jar")).orElse(false)) {
            return false;
        }
        try {
            String environ = "\0" + Files.readString(Path.of("/proc", Long.toString(process.pid()), "environ"));
            return environ.contains("\0AWS_BATCH_JOB_NODE_INDEX=" + index + "\0");
        } catch (Exception e) {
            return false;
        }
    }

    private static String jvmOptions(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(args -> {
            List<String> options = new ArrayList<>();
            for (String arg : args) {
                if (arg.equals("-jar")) {
                    break;
                }
                options.add(arg);
            }
            return String.join(" ", options);
        }).orElse("?");
    }
}
