package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.junit.jupiter.api.Test;

class LocalClusterPartsTest {

    @Test
    void subnet_givesTheBridgeTheFirstAddressAndHostsTheNext() {
        Subnet subnet = Subnet.parse("10.213.0.0/24");

        assertThat(subnet.bridgeAddress()).isEqualTo("10.213.0.1");
        assertThat(subnet.hostAddress(0)).isEqualTo("10.213.0.2");
        assertThat(subnet.hostAddress(252)).isEqualTo("10.213.0.254");
        assertThat(subnet.capacity()).isEqualTo(253);
        assertThatThrownBy(() -> subnet.hostAddress(253)).hasMessageContaining("choose a larger one with --subnet");
    }

    @Test
    void subnet_whenNotCidr_failsNamingTheFlag() {
        assertThatThrownBy(() -> Subnet.parse("10.213.0.0")).hasMessageContaining("--subnet '10.213.0.0' is not a subnet");
        assertThatThrownBy(() -> Subnet.parse("10.213.0.0/31")).hasMessageContaining("prefix length from 8 to 30");
    }

    @Test
    void names_fitLinuxLimits() {
        assertThat(NetworkNamespaces.namespace("abcdef", 999)).isEqualTo("mpib-abcdef-999");
        assertThat(("mpib" + "abcdef" + "h" + 999).length()).isLessThanOrEqualTo(15);
        assertThat(LocalLayout.hostname("C_Hello.World", 2)).isEqualTo("c-hello-world-2");
        assertThat(LocalLayout.hostname("x".repeat(100), 12)).hasSize(63).endsWith("-12");
    }

    @Test
    void nodeOutput_prefixesEveryLineWithItsNode() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream target = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        NodeOutput pump = NodeOutput.pump(new java.io.ByteArrayInputStream("one\ntwo\n".getBytes()), target, 3, () -> { });
        pump.drain();
        NodeOutput main = NodeOutput.pump(new java.io.ByteArrayInputStream("[node 2] from a rank\nown line\n".getBytes()),
                target, 0, () -> { });
        main.drain();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "[node 3] one\n[node 3] two\n[node 2] from a rank\n[node 0] own line\n");
    }

    /** The user's terminal or pipe may take lines slowly, longer than any fixed wait: no line may be dropped. */
    @Test
    void nodeOutput_drain_whenTheReaderIsSlowerThanTheQuietBound_waitsForEveryLine() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream slow = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (len > 1) {
                    try {
                        Thread.sleep(700);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                bytes.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        NodeOutput pump = NodeOutput.pump(new java.io.ByteArrayInputStream("1\n2\n3\n4\n".getBytes()), slow, 1, () -> { });

        pump.drain();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("[node 1] 1\n[node 1] 2\n[node 1] 3\n[node 1] 4\n");
    }

    @Test
    void agentEnvironment_isWhatBatchGivesPlusMpiBatchSettings() {
        LocalClusterOptions options = new LocalClusterOptions(Path.of("job.yaml"), OptionalInt.empty(), OptionalInt.of(2),
                "10.213.0.0/24", Optional.of("s3://bucket/rdv"), Optional.of("http://127.0.0.1:9000"), Optional.empty(),
                Optional.empty(), false, Path.of("agent.jar"), false, Set.of(),
                Map.of("PATH", "/usr/bin", "AWS_BATCH_JOB_ID", "stale", "AWS_ACCESS_KEY_ID", "key"),
                System.out, System.err);
        LocalLayout layout = LocalLayoutAccess.at(Path.of("/run/mpi-batch/local-abc123"));
        List<Host> hosts = List.of(
                new Host(0, "job-0", "10.213.0.2", 2222, Optional.of("mpib-abc123-0"), layout.hostDir(0)),
                new Host(1, "job-1", "10.213.0.3", 2222, Optional.of("mpib-abc123-1"), layout.hostDir(1)));
        AgentLauncher launcher = new AgentLauncher(options, layout, Path.of("/run/plan.json"), "s3://bucket/rdv",
                "local-abc123", hosts, true);

        Map<String, String> main = launcher.environment(hosts.get(0));
        Map<String, String> worker = launcher.environment(hosts.get(1));

        assertThat(main).containsEntry("AWS_BATCH_JOB_NODE_INDEX", "0").containsEntry("AWS_BATCH_JOB_MAIN_NODE_INDEX", "0")
                .containsEntry("AWS_BATCH_JOB_NUM_NODES", "2").containsEntry("AWS_BATCH_JOB_ID", "local-abc123#0")
                .containsEntry("AWS_BATCH_JOB_ATTEMPT", "1").containsEntry("MPI_BATCH_SLOTS", "2")
                .containsEntry("MPI_BATCH_SUBNET", "10.213.0.0/24")
                .containsEntry("MPI_BATCH_S3_ENDPOINT", "http://10.213.0.1:9000")
                .containsEntry("AWS_ACCESS_KEY_ID", "key").containsEntry("PATH", "/usr/bin")
                .containsEntry("MPI_BATCH_STATE_DIR", "/run/mpi-batch/local-abc123/node/state")
                .doesNotContainKey("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS");
        assertThat(worker).containsEntry("AWS_BATCH_JOB_ID", "local-abc123#1")
                .containsEntry("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS", "10.213.0.2");
        assertThat(launcher.command(hosts.get(1))).startsWith("ip", "netns", "exec", "mpib-abc123-1", "unshare", "--uts",
                "--mount", "--propagation", "private", "--", "sh", "-c");
        assertThat(launcher.command(hosts.get(1))).contains("job-1", "/run/mpi-batch/local-abc123/hosts/1",
                "/run/mpi-batch/local-abc123/node").endsWith("sh", "/run/mpi-batch/local-abc123/mpi-batch-agent");
        // A copy in the run's directory: namespace hosts have a private /tmp, where the original may be.
        assertThat(worker).containsEntry("MPI_BATCH_AGENT_JAR", "/run/mpi-batch/local-abc123/mpi-batch-agent.jar");
    }
}
