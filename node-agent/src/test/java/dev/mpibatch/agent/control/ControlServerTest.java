package dev.mpibatch.agent.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.mpi.MpiCluster;
import dev.mpibatch.agent.mpi.OpenMpiDriver;
import dev.mpibatch.agent.mpi.StepRunner;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.JobSpecValidator;
import dev.mpibatch.plan.MpiImplementation;
import dev.mpibatch.plan.Step;
import dev.mpibatch.plan.Timeouts;
import dev.mpibatch.testing.Requirements;

/**
 * A plan's sh step drives more steps through the real client (docker/bin/mpi-batch-node and the mpi_batch Python
 * module) and the real control socket, run by the real step runner: order, output, exit codes, refusals, and what
 * stops a step asked for.
 */
class ControlServerTest {
    @TempDir
    Path dir;

    private final List<String> lines = new ArrayList<>();

    @BeforeEach
    void python() throws Exception {
        Requirements.require(Requirements.onPath("python3"), "python3 (docker/install-runtime.sh installs it)");
        Files.createDirectories(dir.resolve("state"));
    }

    /** Runs {@code shSteps} as the plan, in {@link #dir}, with mpi-batch-node on PATH; returns the plan's exit code. */
    private int plan(Duration stepTimeout, String... shSteps) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", NodeClient.BIN + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("PYTHONPATH", NodeClient.PYTHON.toString());
        MpiCluster cluster = new MpiCluster(new Roster("job", 1, List.of()), ClusterFiles.in(dir), "10.0.0.0/24", "eth0",
                false, false);
        StepRunner runner = new StepRunner(dir, dir.resolve("spool"), env, new OpenMpiDriver("4.1.4", ".openmpi"),
                cluster, null, stepTimeout, (text, stderr) -> {
                    synchronized (lines) {
                        lines.add((stderr ? "err: " : "out: ") + text);
                    }
                });
        List<Step> steps = java.util.Arrays.stream(shSteps).<Step>map(Step.Sh::new).toList();
        JobSpec spec = JobSpecValidator.validate(new JobSpec(1, "control", 1, OptionalInt.empty(), dir.toString(),
                List.of(), new Timeouts(Duration.ofMinutes(1), stepTimeout, Duration.ofSeconds(60)),
                MpiImplementation.AUTO, steps));
        return ControlServer.runPlan(runner, spec, dir.resolve("state"), NodeClient.hostname());
    }

    private List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    @Test
    void pythonDriver_stepsItAsksForRunInOrder_andEachExitCodeComesBack() throws Exception {
        Files.writeString(dir.resolve("driver.py"), String.join("\n",
                "import mpi_batch",
                "print('driver: before')",
                "mpi_batch.sh('echo inner one')",
                "print('driver: got', mpi_batch.sh('echo inner two; exit 3', check=False))",
                "try:",
                "    mpi_batch.sh('exit 4')",
                "except mpi_batch.StepFailed as e:",
                "    print('driver: caught', e.exit_code, e.label, '|', e)",
                "print('driver: after')", ""));

        String log = Logs.of(() -> assertThat(plan(Duration.ZERO, "python3 driver.py")).isZero());

        assertThat(lines()).containsExactly("out: driver: before", "out: inner one", "out: inner two", "out: driver: got 3",
                "out: driver: caught 4 1.3 | step 1.3 (sh) failed with exit code 4", "out: driver: after");
        assertThat(log).contains("step 1.1 sh: sh -c echo inner one", "step 1.1 (sh) done in ",
                "step 1.2 (sh) failed with exit code 3 after ", "step 1.3 (sh) failed with exit code 4 after ",
                "step 1/1 (sh) done in ");
    }

    @Test
    void pythonDriver_whenAFailedStepIsNotCaught_endsWithItsExitCode_andThePlanStops() {
        int code = plan(Duration.ZERO, "python3 -c \"import mpi_batch; mpi_batch.sh('exit 5'); print('never')\"",
                "echo never either");

        assertThat(code).isEqualTo(5);
        assertThat(lines()).noneMatch(line -> line.contains("never"));
    }

    @Test
    void command_whenTheStepIsInvalid_isRefusedWithExit2NamingTheField() {
        String log = Logs.of(() -> plan(Duration.ZERO,
                "mpi-batch-node step '{\"exec\": {\"program\": \"-x\"}}'; echo \"exit $?\"",
                "mpi-batch-node step '{\"exec\": {\"prgram\": \"./a\"}}'; echo \"exit $?\"",
                "mpi-batch-node exec --map-by slot ./a; echo \"exit $?\"",
                "python3 -c \"import mpi_batch\ntry: mpi_batch.cc(args=[])\nexcept mpi_batch.StepRefused as e: "
                        + "print('refused', e.exit_code, e.label, '|', e)\""));

        assertThat(lines()).contains("err: mpi-batch-node: step.exec.program: '-x' starts with '-', so mpiexec would read "
                        + "it as an option: put MPI options in 'args', and for a program whose name starts with '-' write ./-x",
                "err: mpi-batch-node: unknown field 'prgram' (did you mean 'program'?): valid fields of step.exec are "
                        + "args, program, programArgs",
                "out: refused 2 None | step.cc: the list is empty: give mpicc arguments, e.g. [-o, hello, hello.c]");
        assertThat(lines().stream().filter(line -> line.equals("out: exit 2"))).hasSize(3);
        // Without '--' the options cannot be told from the program: a usage error before anything is sent.
        assertThat(lines()).contains("err: usage: mpi-batch-node [--env NAME=VALUE]... exec|run [MPI-ARGS... --] PROGRAM [PROGRAM-ARGS...]");
        assertThat(log).contains("refused a step asked for with mpi-batch-node (exit 2): step.exec.program: '-x'")
                .doesNotContain("step 1.1");
    }

    @Test
    void stepAskedFor_whenItsCallerIsKilled_isStopped() {
        String log = Logs.of(() -> assertThat(plan(Duration.ofMinutes(2),
                "mpi-batch-node sh 'touch started; exec sleep 3017' & client=$!; "
                        + "while [ ! -e started ]; do sleep 0.05; done; kill -9 $client; "
                        + "while pgrep -f '^sleep 3017$' >/dev/null; do sleep 0.1; done; echo 'sleep stopped'")).isZero());

        assertThat(lines()).contains("out: sleep stopped");
        assertThat(log).contains("step 1.1 (sh) stopped after ")
                .contains("the program that asked for it (mpi-batch-node) went away");
    }

    @Test
    void stepAskedFor_whenTheShStepThatAskedEnds_isStoppedBeforeThePlanGoesOn() {
        String log = Logs.of(() -> assertThat(plan(Duration.ofMinutes(2),
                "mpi-batch-node sh 'touch started; exec sleep 3018' & while [ ! -e started ]; do sleep 0.05; done",
                "pgrep -f '^sleep 3018$' || echo 'no sleep left'")).isZero());

        assertThat(lines()).contains("out: no sleep left");
        assertThat(log).contains("step 1.1 (sh) stopped after ", "step 1 (sh), which asked for it, has ended");
    }

    @Test
    void stepAskedFor_whileAnotherRuns_isRefusedNamingTheOneRunning() {
        plan(Duration.ofMinutes(2),
                "mpi-batch-node sh 'touch started; while [ ! -e done ]; do sleep 0.05; done' & "
                        + "while [ ! -e started ]; do sleep 0.05; done; mpi-batch-node sh 'echo second'; "
                        + "echo \"second: $?\"; touch done; wait; echo \"first: $?\"");

        assertThat(lines()).contains("err: mpi-batch-node: step 1.1 (sh) is still running: the job runs one requested "
                + "step at a time, so wait for it to return (a requested step cannot ask for another)",
                "out: second: 2", "out: first: 0").doesNotContain("out: second");
    }

    @Test
    void stepAskedFor_hasTheStepTimeoutOfItsOwn_andTheCallersClockStopsMeanwhile() {
        // Timeout 5 s: the first step asked for runs into it (124); the second takes 4 s, after which the sh step
        // has existed for more than 9 s, of which only its own second or so counts against its timeout.
        int code = plan(Duration.ofSeconds(5),
                "mpi-batch-node sh 'sleep 7'; echo \"first: $?\"; mpi-batch-node sh 'sleep 4'; echo \"second: $?\"");

        assertThat(code).isZero();
        assertThat(lines()).contains("out: first: 124", "out: second: 0");
    }

    @Test
    void requestedSh_askingForAStepItself_isToldOneRunsAtATime() {
        plan(Duration.ofMinutes(1), "mpi-batch-node sh 'mpi-batch-node sh \"echo nested\"; echo \"nested: $?\"'");

        assertThat(lines()).contains("out: nested: 2").doesNotContain("out: nested");
    }

    @Test
    void stepAskedFor_withItsOwnEnv_seesIt_andAReservedNameIsRefusedNamingTheField() {
        plan(Duration.ofMinutes(1),
                "python3 -c \"import mpi_batch; mpi_batch.sh('echo \\$GREETING', env={'GREETING': 'hi from env'})\"",
                "mpi-batch-node --env COLOR=blue sh 'echo \"color $COLOR\"'",
                "mpi-batch-node --env MPI_BATCH_X=1 sh 'echo never'; echo \"reserved: $?\"");

        assertThat(lines()).contains("out: hi from env", "out: color blue", "out: reserved: 2")
                .anyMatch(line -> line.startsWith("err: mpi-batch-node: step.env.MPI_BATCH_X: "))
                .doesNotContain("out: never");
    }

    @Test
    void stepAskedFor_relativePathsAreTheWorkingDirectorys_whateverTheCallersDirectory() throws Exception {
        Files.createDirectories(dir.resolve("sub"));

        plan(Duration.ofMinutes(1), "cd sub && mpi-batch-node sh 'pwd'");

        assertThat(lines()).containsExactly("out: " + dir);
    }
}
