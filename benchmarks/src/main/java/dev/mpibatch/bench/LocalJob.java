package dev.mpibatch.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.local.LinkRate;
import dev.mpibatch.local.LocalCluster;
import dev.mpibatch.local.LocalClusterOptions;

/**
 * A job run on a local namespace cluster in this JVM, exactly as {@code mpi-batch local} runs it, with what it
 * printed kept. Steps report figures on stdout as {@code BENCH key value...} lines.
 */
final class LocalJob {
    private static final Pattern BENCH_LINE = Pattern.compile("^\\[node 0] BENCH (.*)$", Pattern.MULTILINE);

    private final Path repoRoot;
    private final Path jobFile;
    private final int nodes;
    private Optional<LinkRate> linkRate = Optional.empty();
    private final Map<String, String> extraEnvironment = new HashMap<>();

    LocalJob(Path repoRoot, Path jobFile, int nodes) {
        this.repoRoot = repoRoot;
        this.jobFile = jobFile;
        this.nodes = nodes;
    }

    LocalJob linkRate(LinkRate rate) {
        this.linkRate = Optional.of(rate);
        return this;
    }

    /** Adds a variable to the environment the agents inherit (e.g. MPI_BATCH_AGENT_JVM_OPTS). */
    LocalJob environment(String name, String value) {
        extraEnvironment.put(name, value);
        return this;
    }

    /** Writes a job file staging {@code files} (next to it) to every host; {@code steps} are YAML list items. */
    static Path write(Path dir, String name, int nodes, List<String> files, List<String> steps) throws Exception {
        return write(dir, name, nodes, 1, "auto", files, steps);
    }

    /** The same with {@code slots} per host and the job's {@code mpi} (auto, openmpi, mpich). */
    static Path write(Path dir, String name, int nodes, int slots, String mpi, List<String> files, List<String> steps)
            throws Exception {
        StringBuilder text = new StringBuilder("name: " + name + "\nnodes: " + nodes + "\nslotsPerNode: " + slots
                + "\nmpi: " + mpi + "\ntimeouts: {step: 30m}\n");
        if (!files.isEmpty()) {
            text.append("files: [").append(String.join(", ", files)).append("]\n");
        }
        text.append("steps:\n");
        steps.forEach(step -> text.append("  ").append(step).append('\n'));
        Path job = dir.resolve(name + ".yaml");
        Files.writeString(job, text.toString(), StandardCharsets.UTF_8);
        return job;
    }

    /** Writes the benchmark script {@code resource} (next to these classes) to {@code target}, for a job to stage. */
    static void writeScript(String resource, Path target) throws IOException {
        try (InputStream script = LocalJob.class.getResourceAsStream(resource)) {
            if (script == null) {
                throw new IllegalStateException("benchmark script " + resource + " is missing from the classpath: "
                        + "rebuild the benchmarks module");
            }
            Files.write(target, script.readAllBytes());
        }
    }

    /** What one run printed. */
    record Output(int exitCode, String out, String err) {
        /** The {@code BENCH} lines' words, in order. */
        List<List<String>> benchLines() {
            List<List<String>> lines = new ArrayList<>();
            Matcher m = BENCH_LINE.matcher(out);
            while (m.find()) {
                lines.add(List.of(m.group(1).strip().split("\\s+")));
            }
            return lines;
        }
    }

    /** Runs the job; throws with the end of its log when the main node does not exit 0. */
    Output run() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            LocalClusterOptions options = new LocalClusterOptions(jobFile, OptionalInt.of(nodes), OptionalInt.empty(),
                    LocalClusterOptions.DEFAULT_SUBNET, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), false, agentJar(), false, Set.of(), environment(), o, e);
            if (linkRate.isPresent()) {
                options = options.withLinkRate(linkRate.get());
            }
            code = new LocalCluster(options).run();
        }
        Output output = new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        if (code != 0) {
            String log = output.err();
            throw new IllegalStateException("job " + jobFile.getFileName() + " on " + nodes + " hosts exited with " + code
                    + ":\n" + log.substring(Math.max(0, log.length() - 4000)));
        }
        return output;
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnvironment);
        return env;
    }

    private Path agentJar() {
        String fromEnv = System.getenv("MPI_BATCH_AGENT_JAR");
        return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv)
                : repoRoot.resolve("node-agent/target/mpi-batch-agent.jar");
    }

    /** Names what a namespace benchmark needs when it is missing. */
    static void requireRoot() {
        if (!dev.mpibatch.agent.Users.isRoot()) {
            throw new IllegalStateException("this benchmark runs namespace hosts: run bin/bench as root");
        }
    }
}
