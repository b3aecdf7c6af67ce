package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.Requirements;
import dev.mpibatch.testing.S3ProxyFixture;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Ctrl-C (SIGINT) or SIGTERM at each phase of a run (the cluster forming, a step running, a broadcast copying):
 * the real CLI process removes everything it made, the rendezvous objects in S3 too.
 */
class InterruptIT {
    @TempDir
    Path temp;

    /** A phase: the job, extra CLI arguments, and the line of output that shows the run is in that phase. */
    enum Phase {
        FORMATION(List.of("nodes: 3", "timeouts: {formation: 60s}", "steps:", "  - sh: echo never printed"),
                List.of("--never-start", "2"), "\\[node 0].*\\(main\\)"),
        STEP(List.of("nodes: 2", "steps:", "  - sh: echo started; sleep 300"), List.of(), "\\[node 0] started"),
        BROADCAST(List.of("nodes: 2", "steps:", "  - sh: head -c 512M /dev/zero > big.bin",
                "  - broadcast: [big.bin]", "  - sh: echo never printed"), List.of(), "\\[node 0].*step 2/3.*broadcast");

        final List<String> job;
        final List<String> args;
        final Pattern inPhase;

        Phase(List<String> job, List<String> args, String inPhase) {
            this.job = job;
            this.args = args;
            this.inPhase = Pattern.compile(inPhase);
        }
    }

    static Stream<Arguments> phasesAndSignals() {
        return Stream.of(Phase.values()).flatMap(p -> Stream.of(Arguments.of(p, "INT"), Arguments.of(p, "TERM")));
    }

    @ParameterizedTest(name = "SIG{1} during {0}")
    @MethodSource("phasesAndSignals")
    void signal_removesNamespacesProcessesAndFiles(Phase phase, String signal) throws Exception {
        LocalRun.requireNamespaceCluster();
        Signalled run = signalDuring(phase.job, phase.args, Map.of(), phase.inPhase, () -> { }, signal);

        assertThat(run.output()).doesNotContain("never printed");
        assertThat(run.exitCode()).isNotZero();
        Leftovers.assertNone(run.id());
        Leftovers.assertNoTempFiles("interrupted");
    }

    /**
     * With an S3 rendezvous the CLI's clean-up deletes the run's objects (node records, bundles, ready markers):
     * the S3 client must still be open when the shutdown hook gets to them.
     */
    @ParameterizedTest(name = "SIG{0} with an S3 rendezvous")
    @ValueSource(strings = {"INT", "TERM"})
    void signal_withS3Rendezvous_deletesEveryRendezvousObject(String signal) throws Exception {
        LocalRun.requireNamespaceCluster();
        try (S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses()) {
            s3.createBucket("interrupt");
            Signalled run = signalDuring(List.of("nodes: 2", "steps:", "  - sh: echo started; sleep 50"),
                    List.of("--rendezvous", "s3://interrupt/rdv", "--endpoint-url", s3.endpoint()),
                    s3.credentialsEnvironment(), Phase.STEP.inPhase, () -> { }, signal);

            assertThat(run.exitCode()).isNotZero();
            assertThat(run.output()).doesNotContain("could not delete the rendezvous");
            try (S3Client client = s3.client()) {
                assertThat(client.listObjectsV2(b -> b.bucket("interrupt").prefix("rdv/")).contents())
                        .extracting(S3Object::key).as("rendezvous objects left after SIG" + signal).isEmpty();
            }
            Leftovers.assertNone(run.id());
        }
    }

    /** An S3 server that is gone by the time of Ctrl-C: the objects cannot be deleted, and the CLI says so. */
    @Test
    void signal_whenS3CannotBeReached_saysTheObjectsWereNotDeleted() throws Exception {
        LocalRun.requireNamespaceCluster();
        S3ProxyFixture s3 = S3ProxyFixture.startOnAllAddresses();
        AtomicBoolean stopped = new AtomicBoolean();
        try {
            s3.createBucket("interrupt");
            Signalled run = signalDuring(List.of("nodes: 2", "steps:", "  - sh: echo started; sleep 50"),
                    List.of("--rendezvous", "s3://interrupt/rdv", "--endpoint-url", s3.endpoint()),
                    s3.credentialsEnvironment(), Phase.STEP.inPhase, () -> {
                        stopped.set(true);
                        closeQuietly(s3);
                    }, "INT");

            assertThat(run.exitCode()).isNotZero();
            assertThat(run.output()).contains("could not delete the rendezvous objects at s3://interrupt/rdv/local-"
                    + run.id() + "/attempt-1/").contains("delete them yourself");
            Leftovers.assertNone(run.id());
        } finally {
            if (!stopped.get()) {
                closeQuietly(s3);
            }
        }
    }

    private static void closeQuietly(S3ProxyFixture s3) {
        try {
            s3.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop S3Proxy: " + e.getMessage(), e);
        }
    }

    /** What a signalled CLI printed and how it ended. */
    private record Signalled(String id, String output, int exitCode) {
    }

    /**
     * Runs the real CLI on {@code job}; once a line matches {@code inPhase}, runs {@code beforeSignal} and sends the
     * CLI SIG{@code signal}.
     */
    private Signalled signalDuring(List<String> job, List<String> args, Map<String, String> env, Pattern inPhase,
                                   Runnable beforeSignal, String signal) throws Exception {
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        Requirements.require(Files.isRegularFile(cliJar), "the CLI jar (mvn package) at " + cliJar);
        List<String> lines = new ArrayList<>(List.of("name: interrupted", "slotsPerNode: 1"));
        lines.addAll(job);
        Path jobFile = Files.writeString(temp.resolve("job.yaml"), String.join("\n", lines) + "\n");

        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cliJar.toString(), "local", jobFile.toString(), "--agent-jar", LocalRun.agentJar().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process cli = builder.start();
        cli.getOutputStream().close();
        String id = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern runId = Pattern.compile("\\(local-([0-9a-f]{6})\\)");
            boolean reached = false;
            String line;
            while (!reached && (line = reader.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = runId.matcher(line);
                if (m.find()) {
                    id = m.group(1);
                }
                reached = inPhase.matcher(line).find();
            }
            assertThat(reached).as("reached " + inPhase + ":\n" + seen).isTrue();
            assertThat(id).as(seen.toString()).isNotNull();
            assertThat(Leftovers.processesMentioning("local-" + id)).as("the cluster is up").isNotEmpty();

            beforeSignal.run();
            new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid())).start().waitFor();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits after SIG" + signal).isTrue();
            // Whatever it printed while stopping, for the test report.
            reader.lines().forEach(l -> seen.append(l).append('\n'));
        } finally {
            cli.destroyForcibly();
        }
        System.out.println(seen);
        return new Signalled(id, seen.toString(), cli.exitValue());
    }
}
