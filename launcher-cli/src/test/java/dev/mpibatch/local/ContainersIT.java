package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.testing.Requirements;
import dev.mpibatch.testing.S3ProxyFixture;

/**
 * {@code mpi-batch local --image}: every host a container of the node image built by bin/build-image, on a podman
 * network of its own, as AWS Batch runs the nodes; nothing is left behind (containers, network, files).
 */
class ContainersIT {
    private static final Map<String, String> PODMAN = Map.of("MPI_BATCH_PODMAN", NodeImage.ROOT.resolve("bin/podman").toString());
    private static final Pattern RANK_LINE = Pattern.compile(
            "^\\[node (\\d+)] hello from rank (\\d+) of 6 on c-hello-(\\d+)$", Pattern.MULTILINE);

    @TempDir
    Path temp;

    @BeforeAll
    static void image() {
        NodeImage.build();
    }

    private static void assertNothingLeft(String id) {
        assertThat(NodeImage.containersAndNetworks("mpi-batch-" + id)).as("containers and networks of the run").isEmpty();
        assertThat(Files.exists(Path.of("/run/mpi-batch/local-" + id))).as("the run's directory").isFalse();
    }

    @Test
    void cHello_onThreeContainers_printsSixRanksEachFromItsContainerAndLeavesNothing() {
        LocalRun run = LocalRun.run(PODMAN, "local", LocalRun.examples().resolve("c-hello/job.yaml").toString(),
                "--nodes", "3", "--image", NodeImage.TAG);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("on 3 containers of " + NodeImage.TAG + " on podman network mpi-batch-" + run.runId());
        Matcher m = RANK_LINE.matcher(run.out());
        Set<String> ranks = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        while (m.find()) {
            assertThat(m.group(1)).as("the rank's node label is its container").isEqualTo(m.group(3));
            ranks.add(m.group(2));
            hosts.add(m.group(3));
        }
        assertThat(ranks).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
        assertThat(hosts).containsExactlyInAnyOrder("0", "1", "2");
        // The children learned the main node's address from AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS.
        assertThat(run.err()).containsPattern("\\[node 1] .*node 1 of 3 \\(worker\\) at 10\\.")
                .containsPattern("\\[node 2] .*node 2 of 3 \\(worker\\) at 10\\.");
        assertNothingLeft(run.runId());
    }

    /** Issue 14 item 5 in containers: the driver finds mpi_batch in the image and its steps run as a job file's do. */
    @Test
    void pythonDriver_onThreeContainers_runsTheStepsItAsksForThroughTheImagesModule() {
        LocalRun run = LocalRun.run(PODMAN, "local", LocalRun.examples().resolve("python-driver/job.yaml").toString(),
                "--nodes", "3", "--image", NodeImage.TAG);

        assertThat(run.exitCode()).as(run.err()).isZero();
        String all = run.out() + run.err();
        assertThat(all).contains("step 1.1 (cc) done in ", "step 1.2 (broadcast) done in ", "step 1.3 (exec) done in ",
                "step 1.4 (exec) done in ", "[node 0] driver: run 1: sum of 1..1000 = 500500\n",
                "[node 0] driver: run 2: sum of 1..500 = 125250\n", "[node 0] driver: check passed: 2 runs\n");
        assertThat(PythonDriverIT.ranksIn(run.out())).as("the ranks of both runs, each labelled with its container")
                .containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5", "0", "1", "2", "3", "4", "5");
        assertNothingLeft(run.runId());
    }

    @Test
    void mainNode_seesBatchsEnvironmentAnd64MiBShm_andAFailingStepsExitCodeIsTheRuns() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "env-check", 2, "steps:",
                // The container's environment is the agent's (its entrypoint is PID 1): steps see only the job's.
                "  - sh: tr '\\0' '\\n' </proc/1/environ | grep -E '^(AWS_BATCH_|LANG=)' | sort; "
                        + "df -k /dev/shm | tail -1; hostname; exit 7");

        LocalRun run = LocalRun.run(PODMAN, "local", job.toString(), "--image", NodeImage.TAG);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(7);
        String id = run.runId();
        assertThat(run.out()).contains("[node 0] AWS_BATCH_JOB_ID=local-" + id + "#0\n",
                "[node 0] AWS_BATCH_JOB_NODE_INDEX=0\n", "[node 0] AWS_BATCH_JOB_NUM_NODES=2\n",
                "[node 0] AWS_BATCH_JOB_MAIN_NODE_INDEX=0\n", "[node 0] AWS_BATCH_JOB_ATTEMPT=1\n",
                "[node 0] AWS_BATCH_CE_NAME=local\n", "[node 0] AWS_BATCH_JQ_NAME=local\n", "[node 0] LANG=C.UTF-8\n",
                "[node 0] env-check-0\n")
                .doesNotContain("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS");
        assertThat(run.out()).containsPattern("\\[node 0] shm +65536 ");
        assertNothingLeft(id);
    }

    /** As on Batch: the nodes rendezvous through S3 (here S3Proxy on this machine, reached through the gateway). */
    @Test
    void s3Rendezvous_containersReachALoopbackServerThroughTheGateway_andThePrefixIsDeleted() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "s3-rdv", 2, "steps:", "  - sh: echo formed over S3");
        try (S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses()) {
            s3.createBucket("rdv");
            Map<String, String> env = new java.util.HashMap<>(PODMAN);
            env.putAll(s3.credentialsEnvironment());

            LocalRun run = LocalRun.run(env, "local", job.toString(), "--image", NodeImage.TAG,
                    "--rendezvous", "s3://rdv/runs", "--endpoint-url", s3.endpoint());

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("[node 0] formed over S3");
            assertThat(run.err()).contains("registered node 1 at s3://rdv/runs/local-" + run.runId());
            try (var client = s3.client()) {
                assertThat(client.listObjectsV2(b -> b.bucket("rdv")).contents()).as("objects left").isEmpty();
            }
            assertNothingLeft(run.runId());
        }
    }

    @Test
    void missingImage_isRefusedWithExit2BeforeAnythingIsMade() {
        LocalRun run = LocalRun.run(PODMAN, "local", LocalRun.examples().resolve("c-hello/job.yaml").toString(),
                "--image", "localhost/no-such-image:1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--image localhost/no-such-image:1: no such image", "bin/build-image");
    }

    @Test
    void sigint_whileAStepRuns_removesContainersNetworkAndFiles() throws Exception {
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        Requirements.require(Files.isRegularFile(cliJar), "the CLI jar (mvn package) at " + cliJar);
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "interrupted", 2, "steps:",
                "  - sh: echo started; sleep 300", "  - sh: echo never printed");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cliJar.toString(), "local", job.toString(), "--image", NodeImage.TAG).redirectErrorStream(true);
        builder.environment().putAll(PODMAN);
        Process cli = builder.start();
        cli.getOutputStream().close();
        StringBuilder seen = new StringBuilder();
        String id = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern runId = Pattern.compile("\\(local-([0-9a-f]{6})\\)");
            String line;
            while ((line = reader.readLine()) != null && !line.contains("[node 0] started")) {
                seen.append(line).append('\n');
                Matcher m = runId.matcher(line);
                if (m.find()) {
                    id = m.group(1);
                }
            }
            assertThat(line).as("the step started:\n" + seen).isNotNull();
            assertThat(NodeImage.containersAndNetworks("mpi-batch-" + id)).as("the cluster is up").hasSize(3);

            new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits after SIGINT").isTrue();
            reader.lines().forEach(l -> seen.append(l).append('\n'));
        } finally {
            cli.destroyForcibly();
        }
        System.out.println(seen);
        assertThat(seen.toString()).doesNotContain("never printed");
        assertThat(cli.exitValue()).isNotZero();
        assertNothingLeft(id);
    }
}
