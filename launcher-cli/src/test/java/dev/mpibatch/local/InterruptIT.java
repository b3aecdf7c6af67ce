package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mpibatch.testing.Requirements;

/**
 * Ctrl-C (SIGINT) or SIGTERM at each phase of a run (the cluster forming, a step running, a broadcast copying):
 * the real CLI process removes everything it made.
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
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        Requirements.require(Files.isRegularFile(cliJar), "the CLI jar (mvn package) at " + cliJar);
        List<String> lines = new ArrayList<>(List.of("name: interrupted", "slotsPerNode: 1"));
        lines.addAll(phase.job);
        Path job = Files.writeString(temp.resolve("job.yaml"), String.join("\n", lines) + "\n");

        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cliJar.toString(), "local", job.toString(), "--agent-jar", LocalRun.agentJar().toString()));
        command.addAll(phase.args);
        Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
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
                reached = phase.inPhase.matcher(line).find();
            }
            assertThat(reached).as("reached " + phase + ":\n" + seen).isTrue();
            assertThat(id).as(seen.toString()).isNotNull();
            assertThat(Leftovers.processesMentioning("local-" + id)).as("the cluster is up").isNotEmpty();

            new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid())).start().waitFor();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits after SIG" + signal).isTrue();
            // Whatever it printed while stopping, for the test report.
            reader.lines().forEach(l -> seen.append(l).append('\n'));
        } finally {
            cli.destroyForcibly();
        }
        System.out.println(seen);
        assertThat(seen.toString()).doesNotContain("never printed");
        assertThat(cli.exitValue()).isNotZero();
        Leftovers.assertNone(id);
        Leftovers.assertNoTempFiles("interrupted");
    }
}
