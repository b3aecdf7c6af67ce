package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * Shell metacharacters in a step's arguments are not bad input: they reach the program as literal argv on every
 * node, through mpiexec and mpirun, and no shell ever runs them.
 */
class LiteralArgvIT {
    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void shellMetacharactersInArguments_arriveLiterallyOnEveryRank_andNothingRunsThem() throws Exception {
        // /var/tmp, not /tmp: every namespace host has a private /tmp, and the test must see what any host made.
        Path pwned = Path.of("/var/tmp/mpi-batch-pwned-" + UUID.randomUUID());
        List<String> hostile = List.of("$(touch " + pwned + ")", "`touch " + pwned + "`", "; touch " + pwned,
                "| touch " + pwned, "&& touch " + pwned, "> " + pwned, "it's \"quoted\" \\ $HOME *", "line1\nline2");
        StringBuilder args = new StringBuilder("['[%s]\\n'");
        for (String arg : hostile) {
            args.append(", \"").append(arg.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        }
        args.append(']');
        Path job = LocalRun.writeJob(temp.resolve("argv.yaml"), "argv", 2, "steps:",
                "  - exec: {program: printf, programArgs: " + args + "}",
                "  - run: {program: printf, programArgs: " + args + "}");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String arg : hostile) {
            String firstLine = ("[" + arg + "]").lines().findFirst().orElseThrow();
            // 2 steps x 2 ranks, one on each node.
            assertThat(run.out().split(Pattern.quote(firstLine), -1)).as(arg).hasSize(5);
        }
        assertThat(run.out()).contains("[node 0] [line1").contains("[node 1] [line1").contains("line2]");
        assertThat(pwned).as("a file only a shell running an argument would make").doesNotExist();
        Leftovers.assertNone(run.runId());
    }
}
