package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The node image, built here as the README says (bin/build-image: no Docker engine, no registry), starts and
 * behaves as the image AWS Batch would run.
 */
class ImageIT {
    private static String imageId;

    @BeforeAll
    static void build() {
        NodeImage.Result built = NodeImage.build();
        assertThat(built.out()).startsWith(NodeImage.TAG + " ");
        imageId = built.out().strip().split(" ")[1];
    }

    @Test
    void buildImage_whenInputsUnchanged_reusesTheImageWithoutBuilding() {
        long start = System.nanoTime();
        NodeImage.Result again = NodeImage.run(Duration.ofMinutes(2), List.of(NodeImage.ROOT.resolve("bin/build-image").toString()));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out().strip()).isEqualTo(NodeImage.TAG + " " + imageId);
        assertThat(again.err()).contains("is up to date").doesNotContain("building");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void image_entrypointIsTheAgent() {
        NodeImage.Result version = NodeImage.podman("run", "--rm", NodeImage.TAG, "--version");

        assertThat(version.exitCode()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("mpi-batch-agent ");
    }

    @Test
    void image_startedOutsideABatchJob_failsWithExit2NamingTheMissingVariable() {
        NodeImage.Result run = NodeImage.podman("run", "--rm", NodeImage.TAG);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("AWS_BATCH_JOB_NUM_NODES is not set").contains("mpi-batch local");
    }

    /** Issue 10: non-ASCII must survive; a JVM decodes arguments, environment and file names with sun.jnu.encoding. */
    @Test
    void image_runsWithUtf8Locale_soNonAsciiSurvives() {
        NodeImage.Result run = NodeImage.podman("run", "--rm", "--env", "TEXT=grüße ✓", "--entrypoint", "sh",
                NodeImage.TAG, "-c", "locale; java -XshowSettings:properties -version 2>&1 | grep encoding; "
                        + "touch \"/tmp/$TEXT\" && ls /tmp");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("LANG=C.UTF-8", "LC_ALL=C.UTF-8", "LC_CTYPE=\"C.UTF-8\"")
                .contains("sun.jnu.encoding = UTF-8", "file.encoding = UTF-8")
                .contains("grüße ✓");
    }

    /** Issue 14 item 5: the node-side client is on PATH and on the system Python's path, and says where it works. */
    @Test
    void image_hasMpiBatchNodeAndTheModule_whichRefuseUseOutsideAJobAndOnAWorker() {
        NodeImage.Result run = NodeImage.podman("run", "--rm", "--entrypoint", "sh", NodeImage.TAG, "-c",
                "command -v mpi-batch-node; python3 -c 'import mpi_batch; print(mpi_batch.__file__)'; "
                        + "mpi-batch-node exec -- ./hello; echo \"outside a job: $?\"; "
                        + "AWS_BATCH_JOB_NODE_INDEX=1 AWS_BATCH_JOB_MAIN_NODE_INDEX=0 MPI_BATCH_CONTROL=/run/mpi-batch/control.sock "
                        + "python3 -c 'import mpi_batch; mpi_batch.cc(args=[\"-o\", \"a\", \"a.c\"])'; echo \"on a worker: $?\"");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("/usr/local/bin/mpi-batch-node\n", "/opt/mpi-batch/python/mpi_batch.py\n",
                "outside a job: 2\n", "on a worker: 2\n");
        assertThat(run.err()).contains("mpi-batch-node: not inside a step of an mpi-batch job (MPI_BATCH_CONTROL is not set)");
    }

    @Test
    void image_hasWhatANodeNeeds() {
        NodeImage.Result run = NodeImage.podman("run", "--rm", "--entrypoint", "sh", NodeImage.TAG, "-c",
                "for p in mpirun.openmpi mpirun.mpich mpicc sshd ssh-keygen python3 java ip; do command -v $p; done; "
                        + "python3 -c 'import mpi4py, numpy; print(\"mpi4py\", mpi4py.__version__)'; "
                        + "ls /root/.ssh /etc/ssh/ssh_host_*key 2>&1 || true");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("/usr/bin/mpirun.openmpi", "/usr/bin/mpirun.mpich", "/usr/sbin/sshd",
                "/usr/bin/python3", "/usr/bin/java", "/usr/sbin/ip", "mpi4py ");
        // No keys baked in: every node makes its own at start.
        assertThat(run.out()).doesNotContain("ssh_host_ed25519_key\n").contains("No such file");
    }
}
