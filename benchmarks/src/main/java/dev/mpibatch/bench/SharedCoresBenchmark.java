package dev.mpibatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 12 part 2: ranks that outnumber the machine's cores. Three namespace hosts of two slots each on this 2-core
 * machine (the local default every new user runs first): the graph example and LAMMPS (Debian's {@code lammps},
 * its Lennard-Jones benchmark problem) with the agent's environment (it tells MPI to yield), the same without its
 * yield settings (as before), and plain {@code mpirun --oversubscribe -np 6} on one host, side by side in one cluster.
 */
final class SharedCoresBenchmark implements Benchmark {
    private static final List<String> MODES = List.of("before", "after", "plain", "plain-tcp");

    @Override
    public String name() {
        return "sharedcores";
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        LocalJob.requireRoot();
        int runs = options.quick() ? 1 : Math.min(3, options.runs(1));
        boolean lammps = dev.mpibatch.testing.Requirements.onPath("lmp");
        Table table = Table.of(List.of("MPI", "program", "measure", "before: busy-polling (s)", "after: told to yield (s)",
                "plain mpirun --oversubscribe -np 6 (s)", "the same, TCP only (s)", "after / plain", "before / plain"));
        BenchResult.Builder result = BenchResult.builder(name(), "Ranks that outnumber the machine's cores");
        Map<String, Object> raw = new LinkedHashMap<>();
        for (String mpi : List.of("openmpi", "mpich")) {
            List<String> programs = mpi.equals("openmpi") && lammps ? List.of("graph", "lammps") : List.of("graph");
            LocalJob.Output output = new LocalJob(options.repoRoot(), job(options, mpi, programs, runs), 3).run();
            Map<String, List<Double>> wall = new LinkedHashMap<>();
            Map<String, List<Double>> loop = new LinkedHashMap<>();
            for (List<String> line : output.benchLines()) {
                if (MODES.contains(line.get(0))) {
                    String key = line.get(0) + " " + line.get(1);
                    wall.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(line.get(2)) / 1000);
                    if (!line.get(3).equals("-")) {
                        loop.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(line.get(3)));
                    }
                }
            }
            String told = output.err().lines().filter(l -> l.contains("to yield the core while a rank waits"))
                    .map(l -> l.substring(l.indexOf("NodeAgent - ") + 12)).findFirst().orElse("(not told)");
            raw.put(mpi, Map.of("wallSeconds", wall, "loopSeconds", loop, "agentLog", told));
            for (String program : programs) {
                for (String measure : List.of("main loop", "whole mpirun")) {
                    Map<String, List<Double>> values = measure.equals("main loop") ? loop : wall;
                    double before = Stats.median(values.get("before " + program));
                    double after = Stats.median(values.get("after " + program));
                    double plain = Stats.median(values.get("plain " + program));
                    List<Double> tcp = values.get("plain-tcp " + program);
                    table = table.row(mpi.equals("openmpi") ? "Open MPI" : "MPICH", program, measure,
                            Stats.fixed(before, 2), Stats.fixed(after, 2), Stats.fixed(plain, 2),
                            tcp == null ? "" : Stats.fixed(Stats.median(tcp), 2),
                            Stats.fixed(Stats.ratio(after, plain), 2), Stats.fixed(Stats.ratio(before, plain), 2));
                    if (mpi.equals("openmpi") && measure.equals("main loop")
                            && program.equals(lammps ? "lammps" : "graph")) {
                        double ratio = Stats.ratio(after, plain);
                        result.target("compute-bound MPI application (" + (lammps ? "LAMMPS" : "graph")
                                + "), 6 ranks on 3 local hosts", "<= 1.5x plain mpirun", Stats.fixed(ratio, 2)
                                + "x (" + Stats.fixed(after, 2) + " s vs " + Stats.fixed(plain, 2) + " s; before: "
                                + Stats.fixed(before, 2) + " s)", ratio <= 1.5);
                    }
                }
            }
            result.note("What the agent said (" + mpi + "): `" + told + "`.");
        }
        return result.method(method(runs)).table(table).data("runs", raw).build();
    }

    private static String method(int runs) {
        return "One cluster of 3 namespace hosts with 2 slots each from `mpi-batch local` per MPI, on this machine's 2 "
                + "cores: 6 ranks on 2 cores. `sh` steps on the main node run each program " + runs + " times each "
                + "way, alternating, after one untimed run: **after** = the launcher with the steps' environment as "
                + "the agent sets it (ranks outnumber cores, so it told MPI to yield); **before** = the same with the "
                + "agent's yield variables removed (`env -u`), as before issue 12; **plain** = `mpirun --oversubscribe "
                + "-np 6` (MPICH: `mpiexec -n 6`) on the main host alone with a clean environment, which sees 6 ranks "
                + "on 2 cores; **plain, TCP only** = the same with `OMPI_MCA_btl=self,tcp` (Open MPI), the transport "
                + "ranks on different hosts use (no shared memory): what is left between after and plain. Programs: the graph example (`examples/graph`, scale 16, 20 iterations; main loop = the "
                + "sum of its timed phases) and LAMMPS from Debian's `lammps` package (Open MPI build) on its classic "
                + "Lennard-Jones melt, 32,000 atoms, 100 steps (main loop = LAMMPS's own \"Loop time\"). Medians.";
    }

    private static Path job(BenchOptions options, String mpi, List<String> programs, int runs) throws Exception {
        Path dir = options.workDir().resolve(mpi);
        Files.createDirectories(dir);
        LocalJob.writeScript("yield-bench.sh", dir.resolve("bench.sh"));
        LocalJob.writeScript("in.lj", dir.resolve("in.lj"));
        Files.copy(options.repoRoot().resolve("examples/graph/graph.c"), dir.resolve("graph.c"));
        List<String> steps = new ArrayList<>(List.of("- cc: [-O2, -o, graph, graph.c, -lm]", "- broadcast: [graph]"));
        for (String program : programs) {
            steps.add("- sh: sh bench.sh after " + program + " >/dev/null");
        }
        for (int run = 0; run < runs; run++) {
            for (String program : programs) {
                for (String mode : MODES) {
                    if (!mode.equals("plain-tcp") || mpi.equals("openmpi")) {
                        steps.add("- sh: sh bench.sh " + mode + " " + program);
                    }
                }
            }
        }
        return LocalJob.write(dir, "cores-" + mpi, 3, 2, mpi, List.of("bench.sh", "in.lj", "graph.c"), steps);
    }
}
