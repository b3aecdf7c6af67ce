package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mpibatch.testing.Requirements;

/**
 * bin/podman adds its workarounds exactly when this machine needs them: what it detected agrees with what plain
 * podman does here, and with them containers run.
 */
class PodmanWrapperIT {
    private static final Path MODE = Path.of("/run/mpi-batch/podman/mode");

    @BeforeAll
    static void image() {
        NodeImage.build();
        Requirements.require(Requirements.isRoot(), "root (bin/podman's workarounds are for rootful podman)");
    }

    @Test
    void detectedWorkarounds_agreeWithWhatPlainPodmanDoesHere() throws Exception {
        assertThat(NodeImage.podman("--version").exitCode()).isZero();
        String mode = Files.readString(MODE).strip();
        String name = "mpi-batch-wrapper-probe-" + ProcessHandle.current().pid();

        NodeImage.Result plain = NodeImage.run(Duration.ofMinutes(2), List.of("env", "MPI_BATCH_PODMAN_MODE=plain",
                NodeImage.ROOT.resolve("bin/podman").toString(), "run", "--rm", "--name", name, NodeImage.TAG, "--version"));
        NodeImage.podman("rm", "--force", "--ignore", name);

        System.out.println("detected: '" + mode + "'; plain podman: exit " + plain.exitCode() + " " + plain.err());
        if (mode.isEmpty()) {
            assertThat(plain.exitCode()).as("no workaround detected, so plain podman runs containers").isZero();
        } else {
            assertThat(plain.exitCode()).as("workarounds detected (%s), so plain podman fails here", mode).isNotZero();
            // The error names one of the restrictions detected (crun stops at the first it meets).
            List<String> named = java.util.stream.Stream.of(mode.split(" "))
                    .map(w -> w.equals("rlimits") ? "setrlimit" : "cgroup").toList();
            assertThat(plain.err()).containsAnyOf(named.toArray(String[]::new));
        }
        NodeImage.Result wrapped = NodeImage.podman("run", "--rm", NodeImage.TAG, "--version");
        assertThat(wrapped.exitCode()).as(wrapped.err()).isZero();
        assertThat(wrapped.out()).startsWith("mpi-batch-agent ");
    }
}
