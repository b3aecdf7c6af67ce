package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanParser;

/** What each container of {@code mpi-batch local --image} is given: Batch's node environment, and nothing of ours. */
class ContainerLauncherTest {
    private static final Map<String, String> MACHINE = Map.of("PATH", "/usr/bin", "HOME", "/root",
            "AWS_BATCH_JOB_ID", "stale", "MPI_BATCH_PLAN", "stale", "AWS_ACCESS_KEY_ID", "key",
            "AWS_SECRET_ACCESS_KEY", "secret");

    private static LocalClusterOptions options(Optional<String> rendezvous, Optional<String> endpoint) {
        return new LocalClusterOptions(Path.of("job.yaml"), OptionalInt.empty(), OptionalInt.empty(),
                LocalClusterOptions.DEFAULT_SUBNET, rendezvous, endpoint, Optional.empty(), Optional.empty(), false,
                Path.of("agent.jar"), false, Set.of(), MACHINE, System.out, System.err)
                .withImage(new ContainerImage("localhost/mpi-batch:latest", ContainerImage.DEFAULT_SHM_MIB));
    }

    private static JobSpec spec(String files) {
        return PlanParser.parse("name: env\nnodes: 3\n" + files + "steps:\n  - sh: env\n", "job.yaml");
    }

    private static ContainerLauncher launcher(LocalClusterOptions options, JobSpec spec) {
        return ContainerLauncher.forTest(options, spec, LocalLayoutAccess.at(Path.of("/run/mpi-batch/local-abc123")),
                "abc123", "10.89.3.1", "10.89.3.2");
    }

    @Test
    void environment_isExactlyWhatBatchGivesEachNodePlusTheLaunchersSettings() {
        ContainerLauncher launcher = launcher(options(Optional.empty(), Optional.empty()), spec("files: [hello.c]\n"));
        List<Host> hosts = launcher.hosts();

        Map<String, String> main = launcher.environment(hosts.get(0));
        Map<String, String> child = launcher.environment(hosts.get(2));

        assertThat(main).containsOnly(Map.entry("AWS_BATCH_JOB_ID", "local-abc123#0"),
                Map.entry("AWS_BATCH_JOB_NODE_INDEX", "0"), Map.entry("AWS_BATCH_JOB_NUM_NODES", "3"),
                Map.entry("AWS_BATCH_JOB_MAIN_NODE_INDEX", "0"), Map.entry("AWS_BATCH_JOB_ATTEMPT", "1"),
                Map.entry("AWS_BATCH_CE_NAME", "local"), Map.entry("AWS_BATCH_JQ_NAME", "local"),
                Map.entry("MPI_BATCH_PLAN", "/mpi-batch/job/plan.json"),
                Map.entry("MPI_BATCH_FILES", "/mpi-batch/job/files"),
                Map.entry("MPI_BATCH_RENDEZVOUS", "/mpi-batch/rendezvous"), Map.entry("MPI_BATCH_SSH_PORT", "2222"));
        assertThat(child).containsEntry("AWS_BATCH_JOB_ID", "local-abc123#2")
                .containsEntry("AWS_BATCH_JOB_NODE_INDEX", "2")
                .containsEntry("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS", "10.89.3.2")
                .hasSize(main.size() + 1);
        // This machine's environment (PATH, HOME, keys) stays out: the image has its own, as on Batch.
        assertThat(main).doesNotContainKeys("PATH", "HOME", "AWS_ACCESS_KEY_ID");
        assertThat(hosts).extracting(Host::hostname).containsExactly("env-0", "env-1", "env-2");
    }

    @Test
    void environment_withS3Rendezvous_passesCredentialsAndReachesALoopbackServerThroughTheGateway() {
        ContainerLauncher launcher = launcher(options(Optional.of("s3://bucket/rdv"), Optional.of("http://127.0.0.1:9000")),
                spec(""));

        Map<String, String> main = launcher.environment(launcher.hosts().get(0));

        assertThat(main).containsEntry("MPI_BATCH_RENDEZVOUS", "s3://bucket/rdv")
                .containsEntry("MPI_BATCH_S3_ENDPOINT", "http://10.89.3.1:9000")
                .containsEntry("AWS_ACCESS_KEY_ID", "key").containsEntry("AWS_SECRET_ACCESS_KEY", "secret")
                .doesNotContainKeys("MPI_BATCH_FILES", "PATH");
        assertThat(launcher.endpointSeenFromContainers("http://s3.example:9000")).isEqualTo("http://s3.example:9000");
    }

    @Test
    void image_withAnOptionOfNamespaceHosts_isRefusedWithExit2() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.mpibatch.cli.Main.run(new String[] {"local", "job.yaml", "--image", "localhost/mpi-batch:latest",
                "--subnet", "10.9.0.0/24"}, System.out, new java.io.PrintStream(err, true), MACHINE);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--image and --subnet exclude each other");
    }

    @Test
    void runCommand_isOneContainerOnTheRunsNetwork_with64MiBShmDockersCapabilitiesAndNoValueOnItsCommandLine() {
        ContainerLauncher launcher = launcher(options(Optional.of("s3://bucket/rdv"), Optional.empty()), spec(""));

        List<String> command = launcher.runCommand(launcher.hosts().get(1));

        assertThat(String.join(" ", command)).startsWith("podman run --rm --name mpi-batch-abc123-1 --network mpi-batch-abc123 "
                + "--hostname env-1 --shm-size 64m ")
                .contains("--volume /run/mpi-batch/local-abc123/job:/mpi-batch/job:ro")
                .contains("--cap-add AUDIT_WRITE --cap-add MKNOD --cap-add NET_RAW")
                .contains("--env AWS_SECRET_ACCESS_KEY --env").doesNotContain("secret").doesNotContain("AWS_BATCH_JOB_ID=")
                .endsWith(" localhost/mpi-batch:latest");
    }

    @Test
    void shmSize_isWhatTheOptionSays_andOnlyWithImage() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.mpibatch.cli.Main.run(new String[] {"local", "job.yaml", "--shm-size", "256"}, System.out,
                new java.io.PrintStream(err, true), MACHINE);
        LocalClusterOptions options = new LocalClusterOptions(Path.of("job.yaml"), OptionalInt.empty(),
                OptionalInt.empty(), LocalClusterOptions.DEFAULT_SUBNET, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), false, Path.of("agent.jar"), false, Set.of(), MACHINE, System.out,
                System.err).withImage(new ContainerImage("img", 256));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--shm-size goes with --image");
        assertThat(launcher(options, spec("")).runCommand(launcher(options, spec("")).hosts().get(0)))
                .containsSequence("--shm-size", "256m");
    }

    @Test
    void image_withoutPodman_isRefusedWithExit2NamingHowToGetIt() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Map<String, String> env = new java.util.HashMap<>(MACHINE);
        env.put("MPI_BATCH_PODMAN", "/nonexistent/podman");
        int exit = dev.mpibatch.cli.Main.run(new String[] {"local",
                LocalRun.examples().resolve("c-hello/job.yaml").toString(), "--image", "localhost/mpi-batch:latest"},
                System.out, new java.io.PrintStream(err, true), env);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--image needs podman, and '/nonexistent/podman' is not found",
                "apt-get install podman", "bin/build-image");
    }
}
