package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.Requirements;

/** Ctrl-C (SIGINT) or SIGTERM while the plan runs: the real CLI process removes everything it made. */
class InterruptIT {
    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void signalWhileStepRuns_removesNamespacesProcessesAndFiles(String signal) throws Exception {
        Requirements.requireNamespaces();
        Requirements.requireSshd();
        Requirements.requireOpenMpi();
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        Requirements.require(Files.isRegularFile(cliJar), "the CLI jar (mvn package) at " + cliJar);
        Path job = Files.writeString(temp.resolve("long.yaml"), String.join("\n",
                "name: long", "nodes: 2", "slotsPerNode: 1", "steps:", "  - sh: echo started; sleep 300", ""));

        Process cli = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                cliJar.toString(), "local", job.toString(), "--agent-jar", LocalRun.agentJar().toString()))
                .redirectErrorStream(true).start();
        cli.getOutputStream().close();
        String id = null;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern runId = Pattern.compile("\\(local-([0-9a-f]{6})\\)");
            String line;
            while ((line = reader.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = runId.matcher(line);
                if (m.find()) {
                    id = m.group(1);
                }
                if (line.equals("[node 0] started")) {
                    break;
                }
            }
            assertThat(id).as(seen.toString()).isNotNull();
            assertThat(Leftovers.processesMentioning("local-" + id)).as("the cluster is up").isNotEmpty();

            new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid())).start().waitFor();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("the CLI exits after SIG" + signal).isTrue();
        } finally {
            cli.destroyForcibly();
        }
        assertThat(cli.exitValue()).isNotZero();
        Leftovers.assertNone(id);
    }
}
