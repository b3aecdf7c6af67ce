package dev.mpibatch.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.mpibatch.cli.Main;
import dev.mpibatch.testing.Requirements;

/** Runs {@code mpi-batch local ...} in this JVM and keeps what it printed. */
record LocalRun(int exitCode, String out, String err) {
    private static final Pattern RUN_ID = Pattern.compile("\\(local-([0-9a-f]{6})\\)");

    static Path agentJar() {
        return Path.of(System.getProperty("mpiBatch.agentJar", "../node-agent/target/mpi-batch-agent.jar"));
    }

    static Path examples() {
        return Path.of(System.getProperty("mpiBatch.examples", "../examples"));
    }

    static LocalRun run(Map<String, String> extraEnv, String... args) {
        return run(extraEnv, new ByteArrayOutputStream(), new ByteArrayOutputStream(), args);
    }

    /** Starts {@code mpi-batch local ...} on a thread of its own; its output can be read while it runs. */
    static Running start(Map<String, String> extraEnv, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        return new Running(out, err, CompletableFuture.supplyAsync(() -> run(extraEnv, out, err, args),
                runnable -> new Thread(runnable, "local-run").start()));
    }

    private static LocalRun run(Map<String, String> extraEnv, ByteArrayOutputStream out, ByteArrayOutputStream err,
                                String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        env.put("MPI_BATCH_AGENT_JAR", agentJar().toAbsolutePath().toString());
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            List<String> all = new ArrayList<>(List.of(args));
            code = Main.run(all.toArray(String[]::new), o, e, env);
        }
        LocalRun run = new LocalRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(run.out);
        System.out.println(run.err);
        return run;
    }

    /** A run in progress. */
    record Running(ByteArrayOutputStream out, ByteArrayOutputStream err, CompletableFuture<LocalRun> result) {
        /** Everything printed so far, standard output then standard error. */
        String printed() {
            return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        }

        /** Waits until {@code text} was printed; fails after {@code timeout}, or if the run ended first. */
        void awaitPrinted(String text, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!printed().contains(text)) {
                if (result.isDone() || System.nanoTime() > deadline) {
                    throw new AssertionError("'" + text + "' not printed within " + timeout + ":\n" + printed());
                }
                Thread.sleep(50);
            }
        }

        /** The run's id, once it printed it. */
        String runId() {
            return runIdIn(printed());
        }

        LocalRun await(Duration timeout) throws Exception {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The run's id, as it printed it ({@code local-<id>}). */
    String runId() {
        return runIdIn(err);
    }

    private static String runIdIn(String printed) {
        Matcher m = RUN_ID.matcher(printed);
        if (!m.find()) {
            throw new AssertionError("no run id in the output:\n" + printed);
        }
        return m.group(1);
    }

    /** Writes a job file: its name, {@code nodes} with one slot each, then {@code lines} as they are. */
    static Path writeJob(Path file, String name, int nodes, String... lines) throws IOException {
        List<String> all = new ArrayList<>(List.of("name: " + name, "nodes: " + nodes, "slotsPerNode: 1"));
        all.addAll(List.of(lines));
        return Files.writeString(file, String.join("\n", all) + "\n", StandardCharsets.UTF_8);
    }

    /** What an end-to-end run on namespace hosts needs: skipped with the reason here, a failure in CI. */
    static void requireNamespaceCluster() {
        Requirements.requireNamespaces();
        Requirements.requireSshd();
        Requirements.requireOpenMpi();
        Requirements.require(Files.isRegularFile(agentJar()),
                "the agent jar (mvn package) at " + agentJar());
    }

    /** Removes a run's kept directory (after --keep). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
