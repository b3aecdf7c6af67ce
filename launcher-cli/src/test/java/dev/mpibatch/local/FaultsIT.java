package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.S3ProxyFixture;
import dev.mpibatch.testkit.ProxyStats;
import dev.mpibatch.testkit.S3FaultProxy;
import dev.mpibatch.testkit.SilentServer;

/**
 * End to end on namespace hosts: what a job does when S3 misbehaves, when a worker dies under MPI, and when the
 * main node dies. Bounds on time here are generous correctness bounds (nothing may wait forever), not speed targets.
 */
class FaultsIT {
    private static final Pattern HOST_LINE = Pattern.compile("^\\[node (\\d)] faults-(\\d)$", Pattern.MULTILINE);
    private static final Pattern STEP_FAILED = Pattern.compile("step 1/1 \\(exec\\) failed with exit code (\\d+)");

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    private Path job(String name, String... lines) throws Exception {
        return LocalRun.writeJob(temp.resolve(name), "faults", 3, lines);
    }

    @Test
    void s3Faults_twentyPercentOfEveryKind_formationCompletesEveryNodeRunsAndRetriesStayBounded() throws Exception {
        Path job = job("hostname.yaml", "timeouts: {formation: 90s, mainLease: 20s}",
                "steps:", "  - exec: {program: hostname}");
        try (S3ProxyFixture s3 = S3ProxyFixture.start()) {
            s3.createBucket("faults");
            ProxyStats clean = runThroughProxy(s3, job, 0);
            ProxyStats faulty = runThroughProxy(s3, job, 0.2);

            assertThat(faulty.faults()).as("every kind of fault was injected")
                    .allSatisfy((fault, n) -> assertThat(n).as(fault.name()).isPositive());
            // The same job with a fifth of requests failing: each failure costs a retry, and the waits that
            // faults and backoffs add cost some more polls; a retry storm would cost many times more.
            assertThat(faulty.totalRequests()).as("requests with faults vs %s without", clean.totalRequests())
                    .isLessThanOrEqualTo(3 * clean.totalRequests());
            assertThat(faulty.peakPerSecond()).as("no burst of retries")
                    .isLessThanOrEqualTo(Math.max(60, 3 * clean.peakPerSecond()));
        }
    }

    /** Runs the job through a fault proxy with {@code rate} faults; asserts it succeeded on all 3 hosts. */
    private static ProxyStats runThroughProxy(S3ProxyFixture s3, Path job, double rate) throws Exception {
        try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).bindAddress("0.0.0.0")
                .faultRate(rate).seed(2026).delayFault(Duration.ofSeconds(1)).start()) {
            LocalRun run = LocalRun.run(s3.credentialsEnvironment(), "local", job.toString(),
                    "--rendezvous", "s3://faults/rv", "--endpoint-url", proxy.endpoint());
            assertThat(run.exitCode()).as(run.err()).isZero();
            Matcher hosts = HOST_LINE.matcher(run.out());
            List<String> ran = new ArrayList<>();
            while (hosts.find()) {
                assertThat(hosts.group(1)).isEqualTo(hosts.group(2));
                ran.add(hosts.group(1));
            }
            assertThat(ran).as("every node registered and ran its rank").containsExactlyInAnyOrder("0", "1", "2");
            Leftovers.assertNone(run.runId());
            Leftovers.assertNoTempFiles("faults");
            ProxyStats stats = proxy.stats();
            System.out.printf("S3 through the fault proxy at rate %.2f: %d requests %s, faults %s, peak %d/s%n",
                    rate, stats.totalRequests(), stats.requests(), stats.faults(), stats.peakPerSecond());
            return stats;
        }
    }

    @Test
    void workerKilledWhileMpiRuns_jobExitsWithMpirunsCodeAndTheOtherWorkerExits() throws Exception {
        Path job = job("ranks.yaml", "timeouts: {mainLease: 5s}",
                "steps:", "  - exec: {program: sh, programArgs: [-c, 'echo rank up; exec sleep 300']}");
        LocalRun.Running running = LocalRun.start(Map.of(), "local", job.toString());
        running.awaitPrinted("[node 2] rank up", Duration.ofSeconds(60));
        running.awaitPrinted("[node 1] rank up", Duration.ofSeconds(10));
        String id = running.runId();
        long killed = killHost(id, 1);

        LocalRun run = running.await(Duration.ofSeconds(120));
        long seconds = (System.nanoTime() - killed) / 1_000_000_000L;
        Matcher failed = STEP_FAILED.matcher(run.err());
        assertThat(failed.find()).as("mpirun failed: " + run.err()).isTrue();
        int mpirunExit = Integer.parseInt(failed.group(1));
        assertThat(mpirunExit).isNotZero();
        int reported = dev.mpibatch.agent.AgentExit.ofStep(mpirunExit);
        assertThat(run.exitCode()).as("the job's exit code is mpirun's (2 to 4 reported as 1)").isEqualTo(reported);
        assertThat(run.err()).as("the surviving worker saw the result and left by itself")
                .containsPattern("\\[node 2].*main node finished with exit code " + reported);
        assertThat(seconds).as("seconds from the kill to the end of the run").isLessThan(60);
        System.out.printf("worker killed: run ended %d s later, exit code %d%n", seconds, run.exitCode());
        Leftovers.assertNone(id);
        Leftovers.assertNoTempFiles("faults");
    }

    @Test
    void mainKilled_workersNoticeAndExitWithinTheLease() throws Exception {
        Path job = job("long.yaml", "timeouts: {mainLease: 3s}", "steps:", "  - sh: echo started; sleep 300");
        LocalRun.Running running = LocalRun.start(Map.of(), "local", job.toString());
        running.awaitPrinted("[node 0] started", Duration.ofSeconds(60));
        String id = running.runId();
        long killed = killHost(id, 0);

        LocalRun run = running.await(Duration.ofSeconds(120));
        long seconds = (System.nanoTime() - killed) / 1_000_000_000L;
        assertThat(run.exitCode()).isNotZero();
        for (int worker = 1; worker <= 2; worker++) {
            assertThat(run.err()).as("node %d left by itself", worker)
                    .containsPattern("\\[node " + worker + "].*main node \\S+ gone for longer than 3s without a result");
        }
        assertThat(seconds).as("seconds from the kill to the end of the run").isLessThan(30);
        System.out.printf("main killed: run ended %d s later, exit code %d%n", seconds, run.exitCode());
        Leftovers.assertNone(id);
        Leftovers.assertNoTempFiles("faults");
    }

    /**
     * An S3 endpoint that never answers (a listener that accepts and stays silent, or one whose backlog is full):
     * the run keeps its formation timeout, exits 3 and names the endpoint and the key. The bound is the formation
     * timeout, the main node's closing calls after a failed formation (2 x 10 s, plus 5 s for workers to read why),
     * and the launcher's own clean-up call (30 s at most); it took 369 s before calls were bounded.
     */
    @Timeout(value = 200, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "S3 {0}")
    @ValueSource(strings = {"accepting", "never-accepting"})
    void s3NeverAnswers_formationTimeoutHoldsAndTheErrorNamesTheEndpoint(String kind) throws Exception {
        Path job = job("silent.yaml", "steps:", "  - exec: {program: hostname}");
        try (SilentServer silent = kind.equals("accepting")
                ? SilentServer.accepting("0.0.0.0") : SilentServer.neverAccepting("0.0.0.0")) {
            long start = System.nanoTime();
            LocalRun run = LocalRun.run(Map.of("AWS_ACCESS_KEY_ID", "silent", "AWS_SECRET_ACCESS_KEY", "silent",
                    "AWS_REGION", "us-east-1"), "local", job.toString(), "--nodes", "2", "--formation-timeout", "10s",
                    "--rendezvous", "s3://silent/rv", "--endpoint-url", silent.endpoint());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).containsPattern("\\[node 0].*cannot write s3://silent/rv/local-[0-9a-f]+/attempt-1/"
                    + "nodes/0.json: no answer from S3 at http://[0-9.]+:" + silent.port() + " before its deadline");
            assertThat(seconds).as("seconds for a run with a 10 s formation timeout").isLessThan(100);
            System.out.printf("S3 %s: run ended after %d s with exit code %d%n", kind, seconds, run.exitCode());
            Leftovers.assertNone(run.runId());
        }
    }

    /**
     * A worker that registers and then freezes (SIGSTOP, as a hung container would) gets certificates it never
     * acknowledges: the cluster did not form, so the run exits 3 (not 1, a failed step) naming the node.
     */
    @Test
    void workerStoppedRightAfterRegistering_isAFormationFailureExit3NamingTheNode() throws Exception {
        Path job = job("frozen.yaml", "timeouts: {formation: 8s, mainLease: 5s}", "steps:", "  - exec: {program: hostname}");
        LocalRun.Running running = LocalRun.start(Map.of(), "local", job.toString());
        running.awaitPrinted("(local-", Duration.ofSeconds(60));
        String id = running.runId();
        String namespace = NetworkNamespaces.namespace(id, 1);
        Path registered = Path.of("/run/mpi-batch/local-" + id, "rendezvous", "local-" + id, "attempt-1", "nodes",
                "1.json");
        List<String> pids = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // The agent is the host's only process until it has its certificates (then it starts sshd): stop it the
        // moment its record appears, well before its first look for a bundle (at least 50 ms later).
        while (!Files.exists(registered)) {
            if (pids.isEmpty()) {
                pids = NetworkNamespaces.pids(namespace);
            }
            assertThat(System.nanoTime()).as("node 1 registered: " + running.printed()).isLessThan(deadline);
            Thread.sleep(1);
        }
        // The first list may hold a short-lived process of the host's start (hostname, mount, locale): one that is
        // gone by now needs no stopping, so each pid is stopped on its own and a vanished one is skipped.
        for (List<String> batch : List.of(pids, NetworkNamespaces.pids(namespace))) {
            for (String pid : batch) {
                new ProcessBuilder("kill", "-STOP", pid.strip()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            }
        }

        LocalRun run = running.await(Duration.ofSeconds(120));
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("node 1 received certificates but never acknowledged them")
                .contains("main node exited with 3");
        Leftovers.assertNone(id);
        Leftovers.assertNoTempFiles("faults");
    }

    /**
     * SIGKILLs every process of host {@code index} (agent, sshd, MPI daemons and ranks): the machine dies. Short-lived
     * processes (an sshd child serving a probe) may be gone between listing and killing, which is fine; a second sweep
     * takes what was forked meanwhile.
     */
    private static long killHost(String id, int index) {
        String namespace = NetworkNamespaces.namespace(id, index);
        List<String> pids = NetworkNamespaces.pids(namespace);
        assertThat(pids).as("processes of host " + index).isNotEmpty();
        for (int sweep = 0; sweep < 2; sweep++) {
            for (String pid : sweep == 0 ? pids : NetworkNamespaces.pids(namespace)) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        return System.nanoTime();
    }
}
