package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.testing.S3ProxyFixture;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** End to end: namespace hosts, real sshd, real Open MPI, the real agent jar. */
class LocalClusterIT {
    private static final Pattern RANK_LINE = Pattern.compile("^\\[node (\\d+)] hello from rank (\\d+) of (\\d+) on (\\S+)$",
            Pattern.MULTILINE);

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void cHello_onThreeHostsWithS3Rendezvous_runsSixRanksOnThreeHostsAndCleansUp() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses()) {
            s3.createBucket("e2e");
            LocalRun run = LocalRun.run(s3.credentialsEnvironment(), "local",
                    LocalRun.examples().resolve("c-hello/job.yaml").toString(), "--nodes", "3",
                    "--rendezvous", "s3://e2e/rendezvous", "--endpoint-url", s3.endpoint(), "--keep");
            String id = run.runId();
            Path root = Path.of("/run/mpi-batch/local-" + id);
            try {
                assertThat(run.exitCode()).as(run.err()).isZero();
                Matcher ranks = RANK_LINE.matcher(run.out());
                Set<String> hostnames = new java.util.HashSet<>();
                Set<Integer> rankNumbers = new java.util.HashSet<>();
                while (ranks.find()) {
                    assertThat(ranks.group(3)).isEqualTo("6");
                    rankNumbers.add(Integer.parseInt(ranks.group(2)));
                    hostnames.add(ranks.group(4));
                    assertThat(ranks.group(4)).as("a rank line is prefixed with the node it ran on")
                            .endsWith("-" + ranks.group(1));
                }
                assertThat(rankNumbers).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
                assertThat(hostnames).containsExactlyInAnyOrder("c-hello-0", "c-hello-1", "c-hello-2");
                assertThat(run.err()).contains("formation: hosts up 3/3, registered 3/3, ready 3/3");

                // The binary was compiled on node 0 and reached each worker's private directory by broadcast only.
                byte[] compiled = Files.readAllBytes(root.resolve("hosts/0/work/hello"));
                for (int worker = 1; worker <= 2; worker++) {
                    Path copy = root.resolve("hosts/" + worker + "/work/hello");
                    assertThat(copy).exists().isExecutable();
                    assertThat(Files.readAllBytes(copy)).isEqualTo(compiled);
                }
                // --keep kept the rendezvous objects: only public material was published, each worker's
                // certificates in a bundle of its own.
                try (S3Client client = s3.client()) {
                    List<S3Object> objects = client.listObjectsV2(b -> b.bucket("e2e").prefix("rendezvous/")).contents();
                    assertThat(objects).extracting(S3Object::key).contains(
                            "rendezvous/local-" + id + "/attempt-1/bundles/1.json",
                            "rendezvous/local-" + id + "/attempt-1/bundles/2.json",
                            "rendezvous/local-" + id + "/attempt-1/done.json");
                    for (S3Object object : objects) {
                        String text = client.getObjectAsBytes(b -> b.bucket("e2e").key(object.key())).asUtf8String();
                        assertThat(text).doesNotContain("PRIVATE KEY");
                    }
                }
            } finally {
                LocalRun.deleteTree(root);
            }
            Leftovers.assertNone(id);
        }
    }

    @Test
    void workerNeverStarts_mainFailsAfterFormationTimeoutNamingIt_andNothingIsLeft() {
        long start = System.nanoTime();
        LocalRun run = LocalRun.run(Map.of(), "local", LocalRun.examples().resolve("c-hello/job.yaml").toString(),
                "--nodes", "3", "--never-start", "2", "--formation-timeout", "8s");
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains("[node 0]").contains("formation timed out after 8s: node 2 never registered (2 of 3 did)");
        assertThat(run.err()).as("the other worker gave up too").contains("[node 1]")
                .containsPattern("\\[node 1].*the main node gave up before the cluster formed");
        // A bound on correctness, not a speed target: the failure must not wait for the default 2 minutes.
        assertThat(seconds).isLessThan(60);
        assertThat(run.out()).doesNotContain("hello from rank");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void stepFails_exitCodeIsTheStepsAndNothingIsLeft() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("fails.yaml"), "fails", 2,
                "steps:",
                "  - sh: echo before the failure",
                "  - exec: {program: sh, programArgs: [-c, 'exit 7']}",
                "  - sh: echo never printed");

        LocalRun run = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(run.out()).contains("[node 0] before the failure").doesNotContain("never printed");
        assertThat(run.err()).contains("step 2/3 (exec) failed with exit code 7");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void cHello_onLoopbackHosts_runsSixRanksLabelledByNodeAndCleansUp() {
        LocalRun run = LocalRun.run(Map.of(), "local", LocalRun.examples().resolve("c-hello/job.yaml").toString(),
                "--nodes", "3", "--loopback");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("hosts are loopback addresses");
        Matcher ranks = RANK_LINE.matcher(run.out());
        Set<Integer> rankNodes = new java.util.HashSet<>();
        int count = 0;
        while (ranks.find()) {
            count++;
            rankNodes.add(Integer.parseInt(ranks.group(1)));
            assertThat(Integer.parseInt(ranks.group(2)) / 2).isEqualTo(Integer.parseInt(ranks.group(1)));
        }
        assertThat(count).isEqualTo(6);
        assertThat(rankNodes).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(run.out()).doesNotContain("JOB MAP");
        assertThat(Leftovers.processesMentioning("local-" + run.runId())).isEmpty();
    }

}
