package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.cli.Main;
import dev.mpibatch.testing.Requirements;

/**
 * Every line every rank prints reaches the user, whole, once, labelled with its node: with Open MPI and MPICH, on 1
 * to 4 hosts, small and large outputs, and a reader of the CLI's output that is slower than the ranks (issue 10 row
 * 1: Open MPI's mpirun dropped lines behind a full pipe, and lines of ranks were cut between chunks).
 */
class RankOutputIT {
    /** spew.sh's numbered lines: 80 bytes without the line end. */
    private static final int LINE_BYTES = 80;

    @TempDir
    Path temp;

    static Stream<Arguments> runs() {
        // mpi, hosts, slots per host, lines per rank, a slow reader pauses this many ms every 64 KiB (0: fast)
        return Stream.of(
                Arguments.of("openmpi", 1, 2, 2_000, 0),
                Arguments.of("openmpi", 2, 1, 12_500, 20),     // 1 MB per rank behind a slow reader
                Arguments.of("openmpi", 4, 1, 2_000, 20),
                Arguments.of("openmpi", 2, 1, 625_000, 1),     // 2 x 50 MB
                Arguments.of("mpich", 1, 2, 2_000, 0),
                Arguments.of("mpich", 2, 1, 12_500, 20),
                Arguments.of("mpich", 4, 1, 2_000, 20));
    }

    @ParameterizedTest(name = "{0}, {1} hosts x {2} slots, {3} lines per rank, reader pauses {4} ms per 64 KiB")
    @MethodSource("runs")
    void everyLineOfEveryRank_arrivesOnceWholeAndLabelled(String mpi, int hosts, int slots, int lines, int pauseMillis)
            throws Exception {
        LocalRun.requireNamespaceCluster();
        if (mpi.equals("mpich")) {
            Requirements.requireMpich();
        }
        try (InputStream script = RankOutputIT.class.getResourceAsStream("/rank-output/spew.sh")) {
            Files.copy(script, temp.resolve("spew.sh"));
        }
        Path job = Files.writeString(temp.resolve("job.yaml"), String.join("\n",
                "name: spew", "nodes: " + hosts, "slotsPerNode: " + slots, "files: [spew.sh]", "steps:",
                "  - broadcast: [spew.sh]", "  - exec: {program: sh, programArgs: [spew.sh, '" + lines + "']}", ""));
        RankLineCounter counter = new RankLineCounter(slots, LINE_BYTES, pauseMillis == 0 ? 0 : 64 * 1024, pauseMillis);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MPI_BATCH_AGENT_JAR", LocalRun.agentJar().toAbsolutePath().toString());

        int code;
        try (PrintStream out = new PrintStream(counter, false, StandardCharsets.UTF_8);
             PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(new String[] {"local", job.toString(), "--mpi", mpi, "--subnet", "10.219.0.0/24"},
                    out, errors, env);
        }

        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(log).isZero();
        assertThat(counter.problems(hosts * slots, lines)).as("what did not arrive as printed").isEmpty();
        Leftovers.assertNone(new LocalRun(code, "", log).runId());
    }
}
