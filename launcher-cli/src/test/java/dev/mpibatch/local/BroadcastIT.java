package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


/** The broadcast step's relay chain end to end: four namespace hosts, each with its own private directory. */
class BroadcastIT {
    /** Makes a 3 MiB file, mode 0750, in a directory the workers do not have yet. */
    private static final String MAKE_PAYLOAD = "mkdir -p data && head -c 3145728 /dev/urandom > data/payload.bin"
            + " && chmod 750 data/payload.bin";
    /** On node 2 only (third line of the hostfile), a plain file where the payload's directory must go. */
    private static final String BLOCK_NODE_2 = "ssh -F \"$MPI_BATCH_SSH_CONFIG\" -p 2222"
            + " \"$(sed -n 3p \"$MPI_BATCH_HOSTFILE\" | cut -d' ' -f1)\" touch \"$PWD/data\"";

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void broadcast_onFourHosts_everyWorkerHasTheSameBytesAndModeAndNoPartFile_alongAChainAndATree()
            throws Exception {
        LocalRun run = LocalRun.run(Map.of(), "local", LocalRun.writeJob(temp.resolve("two.yaml"), "two", 4,
                "steps:",
                "  - sh: '" + MAKE_PAYLOAD + " && head -c 16384 /dev/urandom > data/small.bin && chmod 700 data/small.bin'",
                "  - broadcast: [data/payload.bin, data/small.bin]").toString(), "--keep");
        Path root = Path.of("/run/mpi-batch/local-" + run.runId());
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).contains("ssh connections to 3 of 3 nodes open")
                    .contains("broadcast payload.bin (3145728 bytes) to 3 nodes through a chain")
                    .contains("broadcast small.bin (16384 bytes) to 3 nodes along a tree (3 branches, 1 round)");
            for (String[] file : new String[][] {{"payload.bin", "rwxr-x---"}, {"small.bin", "rwx------"}}) {
                byte[] original = Files.readAllBytes(root.resolve("hosts/0/work/data/" + file[0]));
                for (int worker = 1; worker <= 3; worker++) {
                    Path copy = root.resolve("hosts/" + worker + "/work/data/" + file[0]);
                    assertThat(Files.readAllBytes(copy)).as("node %d's copy of %s", worker, file[0]).isEqualTo(original);
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo(file[1]);
                }
            }
            for (int worker = 1; worker <= 3; worker++) {
                assertThat(names(root.resolve("hosts/" + worker + "/work/data")))
                        .containsExactlyInAnyOrder("payload.bin", "small.bin");
            }
        } finally {
            LocalRun.deleteTree(root);
        }
        Leftovers.assertNone(run.runId());
    }

    /** A chain (3 MiB) and a tree (16 KiB): both name the node that failed and still serve the others. */
    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {3145728, 16384})
    void broadcast_whenOneHopCannotStoreTheFile_stepFailsNamingThatNodeAndWhy_andTheOthersGetTheirCopies(int bytes)
            throws Exception {
        LocalRun run = LocalRun.run(Map.of(), "local",
                job("blocked", MAKE_PAYLOAD.replace("3145728", Integer.toString(bytes)) + " && " + BLOCK_NODE_2)
                        .toString(), "--keep");
        Path root = Path.of("/run/mpi-batch/local-" + run.runId());
        try {
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err()).containsPattern("broadcast of payload.bin failed on node 2 \\(10\\.[0-9.]+\\): "
                    + "cannot create directory " + root.resolve("node/work/data"))
                    .doesNotContain("never reached")
                    .contains("step 2/3 (broadcast) failed");
            assertThat(run.out()).doesNotContain("after the broadcast");
            byte[] original = Files.readAllBytes(root.resolve("hosts/0/work/data/payload.bin"));
            for (int worker : new int[] {1, 3}) {
                assertThat(Files.readAllBytes(root.resolve("hosts/" + worker + "/work/data/payload.bin")))
                        .as("node %d, before and after the broken one, has its copy", worker).isEqualTo(original);
            }
            assertThat(root.resolve("hosts/2/work/data")).isRegularFile();
            for (int worker = 1; worker <= 3; worker++) {
                try (Stream<Path> files = Files.walk(root.resolve("hosts/" + worker))) {
                    assertThat(files.map(p -> p.getFileName().toString()))
                            .noneMatch(n -> n.endsWith(".mpi-batch-part") || n.startsWith(".broadcast."));
                }
            }
        } finally {
            LocalRun.deleteTree(root);
        }
        Leftovers.assertNone(run.runId());
    }

    @Test
    void linkRate_capsBothEndsOfEveryHostsLink() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("tc.yaml"), "tc", 2, "steps:", "  - sh: tc qdisc show dev eth0 && sleep 2");

        // The bridge ends live in this machine's namespace: watch them while the job runs.
        java.util.Set<String> bridgeSide = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Commands.run(List.of("tc", "qdisc", "show")).lines().filter(l -> l.contains(" dev mpib"))
                        .forEach(bridgeSide::add);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        LocalRun run;
        try {
            run = LocalRun.run(Map.of(), "local", job.toString(), "--link-rate", "50mbit", "--keep");
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        String id = run.runId();
        try {
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).as("the host's own side").containsPattern("\\[node 0] qdisc tbf .* rate 50Mbit");
            for (int host = 0; host < 2; host++) {
                String device = "mpib" + id + "h" + host;
                assertThat(bridgeSide).as("the bridge side of host %d", host)
                        .anyMatch(l -> l.startsWith("qdisc tbf ") && l.contains(" dev " + device + " ")
                                && l.contains("rate 50Mbit"));
            }
        } finally {
            LocalRun.deleteTree(Path.of("/run/mpi-batch/local-" + id));
        }
    }

    private Path job(String name, String prepare) throws Exception {
        return LocalRun.writeJob(temp.resolve(name + ".yaml"), name, 4,
                "steps:",
                "  - sh: '" + prepare.replace("'", "''") + "'",
                "  - broadcast: [data/payload.bin]",
                "  - sh: echo after the broadcast");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
