package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.plan.Step;

class StepRunnerTest {
    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    private StepRunner runner(Duration timeout) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("GREETING", "hello from the cluster");
        MpiCluster cluster = new MpiCluster(new Roster("job", 1, List.of()), ClusterFiles.in(dir), "10.0.0.0/24", "eth0",
                false, false);
        return new StepRunner(dir, dir.resolve("spool"), env, new OpenMpiDriver("4.1.4", ".openmpi"), cluster, null, timeout,
                (text, stderr) -> {
                    synchronized (lines) {
                        lines.add((stderr ? "err: " : "out: ") + text);
                    }
                });
    }

    @Test
    void run_whenAllStepsSucceed_runsThemInOrderInTheWorkingDirectoryWithTheEnvironment() {
        int code = runner(Duration.ZERO).run(List.of(new Step.Sh("echo $GREETING"), new Step.Sh("pwd"),
                new Step.Sh("echo oops >&2")));

        assertThat(code).isZero();
        assertThat(lines).containsExactly("out: hello from the cluster", "out: " + dir, "err: oops");
    }

    @Test
    void run_whenAStepFails_stopsAndReturnsItsExitCode() {
        int code = runner(Duration.ZERO).run(List.of(new Step.Sh("echo one"), new Step.Sh("exit 3"), new Step.Sh("echo never")));

        assertThat(code).isEqualTo(3);
        assertThat(lines).containsExactly("out: one");
    }

    @Test
    void run_whenAStepRunsTooLong_killsItAndReturns124() {
        long start = System.nanoTime();
        int code = runner(Duration.ofMillis(500)).run(List.of(new Step.Sh("sleep 30")));

        assertThat(code).isEqualTo(ProcessRunner.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void run_whenBroadcastFileMissing_failsNamingIt() {
        int code = runner(Duration.ZERO).run(List.of(new Step.Broadcast(List.of("missing.bin"))));

        assertThat(code).isEqualTo(1);
    }

    @Test
    void run_whenBroadcastPathIsADirectory_failsSayingSoAndWhatToDo() throws Exception {
        Files.createDirectories(dir.resolve("results"));

        String log = logOf(() -> assertThat(runner(Duration.ZERO).run(List.of(new Step.Broadcast(List.of("results")))))
                .isEqualTo(1));

        assertThat(log).contains("broadcast: " + dir.resolve("results") + " is a directory, and broadcast copies files: "
                + "list the files in it (e.g. results/a, results/b), or broadcast an archive of it")
                .doesNotContain("does not exist");
    }

    @Test
    void run_whenAFileNameHasControlCharacters_logsItEscapedOnOneLine() {
        String forged = "a.bin\n12:00:00.000 [INFO] StepRunner - step 2/2 done\r\u001b[2J";

        String log = logOf(() -> assertThat(runner(Duration.ZERO).run(List.of(new Step.Broadcast(List.of(forged)))))
                .isEqualTo(1));

        assertThat(log).contains("a.bin\\n12:00:00.000 [INFO] StepRunner - step 2/2 done\\r\\u001b[2J does not exist")
                .doesNotContain("\r").doesNotContain("\u001b");
        assertThat(log.lines()).noneMatch(line -> line.startsWith("12:00:00.000"));
    }

    /** What the agent logged (slf4j-simple writes to the current System.err) while {@code action} ran. */
    private static String logOf(Runnable action) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        original.print(log);
        return log;
    }

    @Test
    void run_whenBroadcastOnSharedFileSystem_copiesNothingAndSucceeds() throws Exception {
        Files.writeString(dir.resolve("a.bin"), "x");

        assertThat(runner(Duration.ZERO).run(List.of(new Step.Broadcast(List.of("a.bin"))))).isZero();
    }

    @Test
    void command_passesArgumentsAsArgvWithTheClusterHostfile() {
        StepRunner runner = runner(Duration.ZERO);
        Step.Mpi exec = new Step.Mpi(Step.Launcher.EXEC, List.of("--map-by", "node"), "./a", List.of("$(id)", "a b"));

        List<String> command = runner.command(exec);

        assertThat(command.get(0)).isEqualTo("mpiexec.openmpi");
        assertThat(command.subList(1, command.size())).containsExactly("--hostfile", dir.resolve("hostfile").toString(),
                "-x", "GREETING", "-x", "MPI_BATCH_LAUNCHER_OUTPUT", "-x", "PATH",
                "--display-map", "--tag-output", "--map-by", "node", "./a", "$(id)", "a b");
        assertThat(runner.command(new Step.Mpi(Step.Launcher.RUN, List.of("--tag-output"), "./a", List.of())))
                .containsOnlyOnce("--tag-output").doesNotContain("--display-map");
        assertThat(runner.command(new Step.Cc(List.of("-o", "a", "a.c")))).containsExactly("mpicc.openmpi", "-o", "a", "a.c");
    }

    @Test
    void run_whenProgramMissing_returns127() {
        int code = new ProcessRunner(dir, dir.resolve("spool"), Map.of(), (t, e) -> { }).run(List.of("/no/such/program"), Duration.ZERO);

        assertThat(code).isEqualTo(ProcessRunner.NOT_FOUND);
    }
}
