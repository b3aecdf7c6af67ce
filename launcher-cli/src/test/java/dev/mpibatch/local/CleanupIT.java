package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of the CLI leaves everything a run made: its agents and sshd keep running, its namespaces, bridge, veths
 * and directory (with the hosts' private keys) stay. {@code mpi-batch local --cleanup} and the next run remove
 * them, and never touch a run that is still going.
 */
class CleanupIT {
    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void cleanup_afterSigkillOfTheCli_removesEverythingTheRunLeft() throws Exception {
        String id = killedRun();

        LocalRun cleanup = LocalRun.run(Map.of(), "local", "--cleanup");

        assertThat(cleanup.exitCode()).as(cleanup.err()).isZero();
        assertThat(cleanup.out()).contains("removed: run local-" + id + " (its owner, pid ")
                .contains("namespaces and ").contains("/run/mpi-batch/local-" + id + " removed");
        Leftovers.assertNone(id);
        LocalRun again = LocalRun.run(Map.of(), "local", "--cleanup");
        assertThat(again.out()).doesNotContain(id);
    }

    @Test
    void aNewRun_removesWhatAKilledRunLeft() throws Exception {
        String id = killedRun();
        Path job = LocalRun.writeJob(temp.resolve("next.yaml"), "next", 1, "steps:", "  - sh: echo next done");

        LocalRun next = LocalRun.run(Map.of(), "local", job.toString());

        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(next.err()).contains("mpi-batch local: removed what a killed run left: run local-" + id);
        Leftovers.assertNone(id);
    }

    @Test
    void cleanup_leavesARunThatIsStillGoingAlone() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("live.yaml"), "live", 2, "steps:", "  - sh: echo started; sleep 6; echo finished");
        LocalRun.Running live = LocalRun.start(Map.of(), "local", job.toString());
        live.awaitPrinted("[node 0] started", Duration.ofMinutes(2));
        String id = live.runId();

        LocalRun cleanup = LocalRun.run(Map.of(), "local", "--cleanup");

        assertThat(cleanup.exitCode()).isZero();
        assertThat(cleanup.out()).contains("left alone: run local-" + id).doesNotContain("removed: run local-" + id);
        assertThat(Commands.run(List.of("ip", "netns", "list"))).contains("mpib-" + id + "-1");
        LocalRun result = live.await(Duration.ofMinutes(2));
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("[node 0] finished");
        Leftovers.assertNone(id);
    }

    @Test
    void cleanup_leavesADirectoryKeptByKeepAlone() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("kept.yaml"), "kept", 1, "steps:", "  - sh: echo kept");
        LocalRun kept = LocalRun.run(Map.of(), "local", job.toString(), "--keep");
        Path root = Path.of("/run/mpi-batch/local-" + kept.runId());
        try {
            assertThat(kept.exitCode()).as(kept.err()).isZero();

            LocalRun cleanup = LocalRun.run(Map.of(), "local", "--cleanup");

            assertThat(cleanup.out()).contains("left alone: " + root + ": kept by --keep for inspection");
            assertThat(root.resolve("hosts/0/work")).isDirectory();
        } finally {
            LocalRun.deleteTree(root);
        }
    }

    /** A run whose CLI got SIGKILL while a step ran; asserts it left its namespaces, processes and directory. */
    private String killedRun() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("killed.yaml"), "killed", 2, "steps:", "  - sh: echo started; sleep 120");
        try (CliProcess cli = CliProcess.start("local", job.toString())) {
            cli.awaitPrinted("[node 0] started", Duration.ofMinutes(2));
            String id = cli.runId();
            new ProcessBuilder("kill", "-KILL", Long.toString(cli.pid())).start().waitFor();
            cli.await(Duration.ofSeconds(30));

            assertThat(Commands.run(List.of("ip", "netns", "list"))).as("left by SIGKILL").contains("mpib-" + id + "-0");
            assertThat(Leftovers.processesMentioning("local-" + id)).as("left by SIGKILL").isNotEmpty();
            assertThat(Files.exists(Path.of("/run/mpi-batch/local-" + id, "hosts/0/state/ssh_host_ed25519_key")))
                    .as("left by SIGKILL: a host's private key").isTrue();
            return id;
        }
    }
}
