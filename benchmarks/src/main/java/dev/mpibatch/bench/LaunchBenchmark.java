package dev.mpibatch.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 5 part 3: {@code mpirun} over the formed cluster through mpi-batch's generated hostfile, ssh_config and MCA
 * environment, against the same mpirun with a hand-written hostfile and plain ssh options, tree spawn on.
 */
final class LaunchBenchmark implements Benchmark {
    private static final Pattern EXEC_STEP = Pattern.compile("step \\d+/\\d+ \\(exec\\) done in (\\d+) ms");

    @Override
    public String name() {
        return "launch";
    }

    @Override
    public BenchResult run(BenchOptions options) throws Exception {
        LocalJob.requireRoot();
        int nodes = options.quick() ? 4 : 8;
        int rounds = options.runs(2);
        Path dir = options.workDir();
        LocalJob.writeScript("launch-bench.sh", dir.resolve("launch.sh"));
        Files.copy(options.repoRoot().resolve("examples/c-hello/hello.c"), dir.resolve("hello.c"));
        List<String> steps = new ArrayList<>(List.of(
                "- cc: [-O2, -o, hello, hello.c]",
                "- broadcast: [hello]",
                "- sh: sh launch.sh " + rounds + " hostname",
                "- sh: sh launch.sh " + rounds + " ./hello"));
        for (int i = 0; i < rounds; i++) {
            steps.add("- exec: {program: ./hello}");
        }
        LocalJob.Output output = new LocalJob(options.repoRoot(), LocalJob.write(dir, "launch", nodes,
                List.of("launch.sh", "hello.c"), steps), nodes).run();

        Map<String, List<Double>> millis = new LinkedHashMap<>();
        for (List<String> line : output.benchLines()) {
            millis.computeIfAbsent(line.get(0) + " " + line.get(1), k -> new ArrayList<>())
                    .add(Double.parseDouble(line.get(2)));
        }
        Matcher exec = EXEC_STEP.matcher(output.err());
        while (exec.find()) {
            millis.computeIfAbsent("step ./hello", k -> new ArrayList<>()).add(Double.parseDouble(exec.group(1)));
        }
        Table table = Table.of(List.of("program", "hand-written hostfile + plain ssh (ms)",
                "mpi-batch hostfile + ssh_config + MCA env (ms)", "ratio (median)", "mpi-batch exec step (ms)"));
        BenchResult.Builder result = BenchResult.builder(name(), "Launch: mpirun over the formed cluster");
        for (String program : List.of("hostname", "./hello")) {
            double hand = Stats.median(millis.get("hand " + program));
            double ours = Stats.median(millis.get("ours " + program));
            double ratio = Stats.ratio(ours, hand);
            table = table.row(program, Stats.fixed(hand, 0), Stats.fixed(ours, 0), Stats.fixed(ratio, 3),
                    program.equals("./hello") ? Stats.fixed(Stats.median(millis.get("step ./hello")), 0) : "");
            result.target("mpirun " + program + " on " + nodes + " hosts", "ratio within noise (about 1.05x)",
                    Stats.fixed(ratio, 3) + "x", ratio <= 1.05);
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        millis.forEach((k, v) -> raw.put(k, v));
        return result.method(method(nodes, rounds)).table(table).data("millis", raw).data("hosts", nodes).build();
    }

    private static String method(int nodes, int rounds) {
        return nodes + " namespace hosts from `mpi-batch local`, one slot each, links at full speed. After the cluster "
                + "forms, `sh` steps on the main node time `mpirun -np " + nodes + " hostname` and `mpirun -np " + nodes
                + " ./hello` (examples/c-hello, compiled and broadcast by the plan) " + rounds + " times each way, "
                + "alternating, after one untimed round of each: **mpi-batch** = the step's environment as the agent "
                + "sets it (its hostfile, `plm_rsh_args -F ssh_config`, interface and root MCA variables); "
                + "**hand-written** = `env -i`, a hostfile typed from the addresses, and `plm_rsh_args` with `-p`, "
                + "`-i`, `UserKnownHostsFile` and `StrictHostKeyChecking=yes`. Open MPI's tree spawn is on in both "
                + "(its default; every node trusts every node). Medians and their ratio. The last column times the "
                + "plan's own `exec` step (adds `--display-map --tag-output` and rank labelling) " + rounds
                + " times, from the agent's log.";
    }
}
