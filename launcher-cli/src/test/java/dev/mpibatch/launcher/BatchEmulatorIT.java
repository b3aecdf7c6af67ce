package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The AWS path end to end through the CLI: {@code mpi-batch submit --wait}, {@code status}, {@code logs} and
 * {@code cancel} against the Batch emulator, which runs each of a job's 3 nodes as a container of the node image as
 * Batch does; every request the CLI sent is then checked against botocore's models, and nothing is left behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BatchEmulatorIT {
    private static final Pattern LABELLED = Pattern.compile("^\\[node (\\d)] (.*)$", Pattern.MULTILINE);
    private static EmulatedBatch aws;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        aws = EmulatedBatch.start(11);
        RecordingInterceptor.clear();
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
            aws.assertClosedCleanly();
        }
    }

    private Cli submitWait(Path job, String... extra) {
        List<String> args = new java.util.ArrayList<>(aws.submitArgs("--wait", "--nodes", "3"));
        args.addAll(List.of(extra));
        return Cli.run(aws.env(home), args, "submit", job.toString());
    }

    private static String jobId(Cli run) {
        return run.out().lines().findFirst().orElseThrow();
    }

    /** The lines a rank printed: {@code [node N] <text>} with its node label; asserts each host has one label. */
    private static Map<String, String> nodeOfHost(Cli run, Pattern line, int hostGroup, int expectedLines) {
        Matcher m = line.matcher(run.out());
        Map<String, String> nodeOfHost = new HashMap<>();
        int lines = 0;
        while (m.find()) {
            lines++;
            String node = m.group(1);
            assertThat(nodeOfHost.computeIfAbsent(m.group(hostGroup), h -> node)).as("one node label per host: " + m.group())
                    .isEqualTo(node);
        }
        assertThat(lines).as("rank lines in:\n" + run.out()).isEqualTo(expectedLines);
        assertThat(new TreeSet<>(nodeOfHost.values())).as("the ranks ran on all 3 nodes").containsExactly("0", "1", "2");
        return nodeOfHost;
    }

    @ParameterizedTest
    @Order(1)
    @ValueSource(strings = {"c-hello", "python-hello", "numpy", "graph", "python-driver"})
    void everyExample_throughSubmitWait_exitsZeroWithEveryRanksLineLabelledByItsNode(String example) throws Exception {
        Path job = Path.of(System.getProperty("mpiBatch.examples", "../examples")).resolve(example + "/job.yaml");

        Cli run = submitWait(job);

        assertThat(run.exitCode()).as(run.err()).isZero();
        // (No check of "nodes running: 3/3": --wait polls every 5 s and a short job's nodes may all run for less.)
        assertThat(run.err()).contains("(" + example + ") SUCCEEDED after ");
        switch (example) {
            case "c-hello" -> nodeOfHost(run, Pattern.compile("^\\[node (\\d)] hello from rank (\\d) of 6 on (\\S+)$",
                    Pattern.MULTILINE), 3, 6);
            case "python-hello" -> {
                nodeOfHost(run, Pattern.compile("^\\[node (\\d)] rank \\d of 6 on (\\S+) received 'hello rank \\d' from "
                        + "rank 0 on \\S+ \\(ok\\)$", Pattern.MULTILINE), 2, 5);
                assertThat(run.out()).contains("[node 0] check passed: 5 of 5 ranks received their message");
            }
            case "python-driver" -> {
                // Two runs asked for by the driver through the image's mpi_batch module: 12 rank lines in all.
                nodeOfHost(run, Pattern.compile("^\\[node (\\d)] rank \\d of 6 on (\\S+): sum of \\d+\\.\\.\\d+ = \\d+$",
                        Pattern.MULTILINE), 2, 12);
                assertThat(run.out()).contains("[node 0] driver: run 2: sum of 1..500 = 125250",
                        "[node 0] driver: check passed: 2 runs");
            }
            case "numpy" -> assertThat(run.out()).contains("check passed: ring allreduce of 65536 doubles equals MPI "
                    + "Allreduce").doesNotContain("FAILED");
            default -> assertThat(run.out()).containsPattern("check passed: PageRank: 20 iterations")
                    .doesNotContain("FAILED");
        }
        assertThat(run.out()).as("no line is labelled twice").doesNotContain("] [node ");
        aws.assertNothingLeft(jobId(run));
        if (example.equals("c-hello")) {
            statusAndLogs_afterTheEnd_showEveryNode(jobId(run));
        }
    }

    /** {@code status} and {@code logs --all} after the job ended: every node with its final state, exit code, lines. */
    private void statusAndLogs_afterTheEnd_showEveryNode(String jobId) {
        Cli status = Cli.run(aws.env(home), aws.awsArgs(), "status", jobId);
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("status   SUCCEEDED").contains("nodes    3")
                .containsPattern("(?m)^0 +SUCCEEDED +0 +" + Pattern.quote(jobId + "#0") + "$");
        for (int node = 1; node < 3; node++) {
            // A child ends by itself after the main node's done.json (exit 0), or is stopped when the main node exits.
            assertThat(status.out()).containsPattern("(?m)^" + node + " +(SUCCEEDED +0|FAILED +143) +"
                    + Pattern.quote(jobId + "#" + node) + "$");
        }

        Cli logs = Cli.run(aws.env(home), aws.awsArgs(), "logs", jobId, "--all");
        assertThat(logs.exitCode()).as(logs.err()).isZero();
        Set<String> nodes = new TreeSet<>();
        Matcher m = LABELLED.matcher(logs.out());
        while (m.find()) {
            nodes.add(m.group(1));
        }
        assertThat(nodes).as("every node's lines").containsExactly("0", "1", "2");
        assertThat(logs.out()).containsPattern("\\[node 1] .*node 1 of 3 \\(worker\\)")
                .containsPattern("\\[node 2] hello from rank \\d of 6");
    }

    @Test
    @Order(2)
    void aFailingProgram_makesWaitExitNonZero_namingTheJobsExitCode() throws Exception {
        Path job = EmulatedBatch.job(home, "fails", 3, "  - sh: echo about to fail; exit 7");

        Cli run = submitWait(job);

        assertThat(run.exitCode()).as("the job's exit code").isEqualTo(7);
        assertThat(run.out()).contains("[node 0] about to fail");
        assertThat(run.err()).contains("job " + jobId(run) + " (fails) FAILED after ")
                .contains(": main node exited with 7 (Essential container in task exited)");
        aws.assertNothingLeft(jobId(run));
    }

    /** MPI ranks on every node that print where they are and then sleep: a job that runs until something stops it. */
    private Path sleeper(String name) throws Exception {
        return EmulatedBatch.job(home, name, 3, "  - exec:", "      program: /bin/sh",
                "      programArgs: [-c, \"echo rank up on $(hostname); exec sleep 600\"]");
    }

    @Test
    @Order(3)
    void aKilledChildContainer_failsTheJob_andEveryOtherContainerEnds() throws Exception {
        List<String> before = aws.batch.jobIds();
        CompletableFuture<Cli> wait = CompletableFuture.supplyAsync(() -> submitWait(EmulatedBatch.uncheck(() -> sleeper("killed"))));
        String jobId = aws.awaitNewJob(before);
        aws.awaitLogLines(jobId, "rank up on", 3);

        String child = aws.batch.containerName(jobId, 1, 1);
        dev.mpibatch.local.NodeImage.Result kill = dev.mpibatch.local.NodeImage.podman("kill", child);
        assertThat(kill.exitCode()).as(kill.err()).isZero();

        Cli run = wait.get(5, TimeUnit.MINUTES);
        assertThat(run.exitCode()).as("mpirun's code, the job's").isNotZero();
        assertThat(run.err()).contains("job " + jobId + " (killed) FAILED after ")
                .contains(": main node exited with " + run.exitCode());
        aws.assertNothingLeft(jobId);
        assertThat(aws.batch.status(jobId + "#1")).hasValue("FAILED");
    }

    @Test
    @Order(4)
    void cancel_whileRunning_stopsEveryContainer() throws Exception {
        List<String> before = aws.batch.jobIds();
        CompletableFuture<Cli> wait = CompletableFuture.supplyAsync(() -> submitWait(EmulatedBatch.uncheck(() -> sleeper("cancelled"))));
        String jobId = aws.awaitNewJob(before);
        aws.awaitLogLines(jobId, "rank up on", 3);
        assertThat(aws.batch.containers()).as("the job's containers while it runs").hasSize(3);

        Cli cancel = Cli.run(aws.env(home), aws.awsArgs(), "cancel", jobId, "--reason", "wrong input");

        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        Cli run = wait.get(5, TimeUnit.MINUTES);
        assertThat(run.exitCode()).as("the main node's exit code: 128 + SIGTERM").isEqualTo(143);
        assertThat(run.err()).contains("job " + jobId + " (cancelled) FAILED after ")
                .contains(": main node exited with 143 (wrong input)");
        aws.assertNothingLeft(jobId);
    }

    @Test
    @Order(100)
    void everyRequestTheCliSent_isValidAgainstBotocoresModels() {
        AwsModel.assertAllValid(RecordingInterceptor.requests(), "batch:SubmitJob", "batch:DescribeJobs",
                "batch:TerminateJob", "batch:RegisterJobDefinition", "s3:PutObject", "logs:GetLogEvents");
    }
}
