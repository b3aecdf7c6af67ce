package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.Requirements;

/**
 * Issue 14 item 5 end to end on namespace hosts: an sh step's program (a Python driver, a shell) asks the main
 * node's agent for steps through mpi-batch-node and the mpi_batch module, and each one runs, is labelled, logged and
 * answered as a job file's step; what a failing, a bad or a misplaced request does; what killing the client or the
 * agent leaves (nothing).
 */
class PythonDriverIT {
    private static final Pattern RANK_LINE = Pattern.compile(
            "^\\[node (\\d)] rank (\\d) of 6 on python-driver-(\\d): sum of \\d+\\.\\.\\d+ = \\d+$", Pattern.MULTILINE);

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
        Requirements.require(Requirements.onPath("python3"), "python3 (docker/install-runtime.sh installs it)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openmpi", "mpich"})
    void example_compilesBroadcastsAndRunsTwice_eachRunLabelledLoggedAndAnsweredAsAStep(String mpi) {
        LocalRun run = LocalRun.run(Map.of(), "local", LocalRun.examples().resolve("python-driver/job.yaml").toString(),
                "--nodes", "3", "--mpi", mpi);

        assertThat(run.exitCode()).as(run.err()).isZero();
        String out = run.out();
        String all = out + run.err();
        assertThat(all).contains("step 1/1 sh: sh -c python3 driver.py", "step 1.1 cc: mpicc", "step 1.1 (cc) done in ",
                "step 1.2 broadcast: sweep", "step 1.2 (broadcast) done in ", "step 1.3 exec: mpiexec",
                "step 1.3 (exec) done in ", "step 1.4 exec: mpiexec", "step 1.4 (exec) done in ", "step 1/1 (sh) done in ");
        // Each run: six ranks, each labelled with the node it ran on, between the driver's lines before and after.
        String[] runs = out.split("\\[node 0] driver: run 2: sum of 1\\.\\.500 over the cluster\n");
        assertThat(runs).hasSize(2);
        assertThat(ranksIn(runs[0].substring(runs[0].indexOf("[node 0] driver: run 1: sum of 1..1000 over the cluster"))))
                .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
        assertThat(runs[0]).contains("[node 0] driver: run 1: sum of 1..1000 = 500500\n");
        assertThat(ranksIn(runs[1].substring(0, runs[1].indexOf("[node 0] driver: run 2: sum of 1..500 = 125250"))))
                .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
        assertThat(out).contains("[node 0] driver: check passed: 2 runs").doesNotContain("[node 0] [node");
        Leftovers.assertNone(run.runId());
    }

    /** The ranks of the rank lines in {@code text}, each checked to be labelled with the node it ran on. */
    static List<String> ranksIn(String text) {
        Matcher m = RANK_LINE.matcher(text);
        List<String> ranks = new ArrayList<>();
        while (m.find()) {
            assertThat(m.group(1)).as("node label of rank " + m.group(2)).isEqualTo(m.group(3));
            ranks.add(m.group(2));
        }
        return ranks;
    }

    @Test
    void failingStep_reachesTheDriverAsItsExitCode_andUncaughtIsTheJobsExitCode() throws Exception {
        Files.writeString(temp.resolve("driver.py"), String.join("\n",
                "import mpi_batch",
                "try:",
                "    mpi_batch.exec(program='/bin/sh', program_args=['-c', 'exit 3'])",
                "except mpi_batch.StepFailed as e:",
                "    print('driver: caught', e.exit_code, 'from step', e.label)",
                "print('driver: check=False returned', mpi_batch.run(program='/bin/sh', program_args=['-c', 'exit 4'],",
                "      check=False))",
                "mpi_batch.exec(program='/bin/sh', program_args=['-c', 'exit 5'])",
                "print('driver: never')", ""));
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "failing", 2, "files: [driver.py]", "steps:",
                "  - sh: python3 driver.py", "  - sh: echo never either");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(5);
        assertThat(run.out()).contains("[node 0] driver: caught 3 from step 1.1\n", "[node 0] driver: check=False returned 4\n")
                .doesNotContain("never");
        assertThat(run.out() + run.err()).contains("step 1.1 (exec) failed with exit code 3 after ",
                "step 1.2 (run) failed with exit code 4 after ", "step 1.3 (exec) failed with exit code 5 after ",
                "step 1/2 (sh) failed with exit code 5 after ")
                .contains("main node exited with 5");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void badStep_isRefusedWithExit2NamingTheField_fromTheCommandAndUncaughtFromPython() throws Exception {
        Files.writeString(temp.resolve("bad.py"), "import mpi_batch\nmpi_batch.step({'run': {'progam': './sweep'}})\n");
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "bad-step", 2, "files: [bad.py]", "steps:",
                "  - sh: mpi-batch-node exec -- -x; echo \"command exit $?\"",
                "  - sh: python3 bad.py");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        // The sh step ends with 2; the job reports it as 1, since a job's 2 means its own input was bad.
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String all = run.out() + run.err();
        assertThat(all).contains("mpi-batch-node: step.exec.program: '-x' starts with '-', so mpiexec would read it as "
                + "an option", "[node 0] command exit 2\n");
        assertThat(all).contains("refused a step asked for with mpi-batch-node (exit 2): unknown field 'progam' "
                + "(did you mean 'program'?): valid fields of step.run are args, program, programArgs")
                .contains("step 2/2 (sh) failed with exit code 2 after ").doesNotContain("step 1.1", "step 2.1");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void command_onAWorker_isRefusedWithExit2SayingWhere() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "on-worker", 2, "steps:",
                "  - sh: worker=$(awk 'NR == 2 {print $1}' \"$MPI_BATCH_HOSTFILE\");"
                        + " \"$MPI_BATCH_SSH\" \"$worker\" \"MPI_BATCH_CONTROL=$MPI_BATCH_CONTROL $(command -v mpi-batch-node)"
                        + " sh 'echo asked from a worker'\"; echo \"worker exit $?\"");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out() + run.err()).contains("[node 0] worker exit 2\n", "mpi-batch-node: no control socket at ",
                "steps are asked for on the job's main node").doesNotContain("[node 0] asked from a worker");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void killedClient_stopsItsMpirun_onEveryNode_andTheDriverGoesOn() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "killed-client", 2, "steps:",
                "  - sh: mpi-batch-node exec -- /bin/sh -c 'touch started-$(hostname); exec sleep 3019' & client=$!;"
                        + " while [ ! -e started-killed-client-0 ]; do sleep 0.1; done; kill -9 $client;"
                        + " while pgrep -f '^sleep 3019$' >/dev/null; do sleep 0.1; done; echo 'no sleep left';"
                        + " mpi-batch-node sh 'echo next step'");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("[node 0] no sleep left\n", "[node 0] next step\n");
        assertThat(run.out() + run.err()).contains("step 1.1 (exec) stopped after ",
                "the program that asked for it (mpi-batch-node) went away", "step 1.2 (sh) done in ");
        Leftovers.assertNone(run.runId());
    }

    /**
     * On loopback hosts, where nothing but the agent stands between its step's programs and the machine (no network
     * namespace whose processes the CLI kills at the end, no container), SIGTERM or SIGKILL of the main node's agent
     * while a step asked for runs: mpirun and its ranks stop too.
     */
    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"TERM", "KILL"})
    void killedMainAgent_leavesNoMpirunNorRankRunning(String signal) throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "killed-agent", 2, "steps:",
                "  - sh: mpi-batch-node exec -- /bin/sh -c 'echo inner started; exec sleep 3021'");
        LocalRun.Running running = LocalRun.start(Map.of(), "local", job.toString(), "--loopback");
        running.awaitPrinted("[node 0] inner started\n", Duration.ofMinutes(3));
        String id = running.runId();
        ProcessHandle agent = mainAgent(id);

        if (signal.equals("KILL")) {
            agent.destroyForcibly();
        } else {
            agent.destroy();
        }
        LocalRun run = running.await(Duration.ofMinutes(2));

        assertThat(run.exitCode()).isNotZero();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!sleeping("sleep 3021").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(sleeping("sleep 3021")).as("ranks left running").isEmpty();
        Leftovers.assertNone(id);
    }

    /** The agent of node 0 of run {@code id}: the java process whose environment says so. */
    private static ProcessHandle mainAgent(String id) throws Exception {
        Set<ProcessHandle> found = new HashSet<>();
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains("mpi-batch-agent.jar"))
                .orElse(false)).forEach(p -> {
                    String env = environ(p.pid());
                    if (env.contains("AWS_BATCH_JOB_ID=local-" + id + "#0\0")) {
                        found.add(p);
                    }
                });
        assertThat(found).as("the main node's agent").hasSize(1);
        return found.iterator().next();
    }

    private static List<String> sleeping(String commandLine) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                        .map(c -> c.equals(commandLine) || c.endsWith("/" + commandLine)).orElse(false))
                .map(p -> p.pid() + " " + commandLine).toList();
    }

    private static String environ(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/environ"));
        } catch (Exception e) {
            return "";
        }
    }
}
