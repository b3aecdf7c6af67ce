package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text in any language reaches programs and the user unchanged when nothing sets a locale (issue 10 row 2: with no
 * LANG, the JVM encoded arguments in ASCII and {@code é} reached the program as byte 3f).
 */
class Utf8IT {
    private static final String TEXT = "é日本語ü🙂";

    @TempDir
    Path temp;

    /** The caller's environment without any locale variable. */
    private static Map<String, String> withoutLocale() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_") || name.equals("LANGUAGE"));
        return env;
    }

    @Test
    void localRun_withNoLocaleAtAll_passesNonAsciiTextToShStepsArgumentsAndOutputUnchanged() throws Exception {
        LocalRun.requireNamespaceCluster();
        Path job = LocalRun.writeJob(temp.resolve("utf8.yaml"), "utf8", 2, "steps:",
                // The bytes the shell wrote, in hex, prove what the program received, whatever the output's path.
                "  - sh: \"printf '%s' '" + TEXT + "' > o; od -An -tx1 o | tr -d ' \\\\n'; echo\"",
                "  - exec: {program: printf, programArgs: ['arg:%s\\n', '" + TEXT + "']}");
        Map<String, String> env = withoutLocale();
        env.put("MPI_BATCH_AGENT_JAR", LocalRun.agentJar().toAbsolutePath().toString());

        LocalRun run = LocalRun.run(env, "local", job.toString(), "--subnet", "10.220.0.0/24");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("[node 0] " + hex(TEXT))
                .contains("[node 0] arg:" + TEXT).contains("[node 1] arg:" + TEXT).doesNotContain("?");
        Leftovers.assertNone(run.runId());
    }

    @Test
    void agent_startedWithoutTheEntrypointInAnAsciiLocale_refusesToRunNamingTheFix() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(javaCommand(), "-jar", LocalRun.agentJar().toString());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.redirectErrorStream(true);
        Process agent = builder.start();
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(agent.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(agent.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("locale").contains("LC_ALL=C.UTF-8");
    }

    @Test
    void cli_inAnAsciiLocale_printsNonAsciiTextAsUtf8() throws Exception {
        Path job = Files.writeString(temp.resolve("job.yaml"), "name: x\nnödes: 2\nsteps: [{sh: 'true'}]\n",
                StandardCharsets.UTF_8);
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        ProcessBuilder builder = new ProcessBuilder(javaCommand(), "-jar", cliJar.toString(), "local", job.toString());
        builder.environment().keySet().removeIf(name -> name.equals("LANG") || name.startsWith("LC_"));
        Process cli = builder.start();
        byte[] err = cli.getErrorStream().readAllBytes();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(cli.exitValue()).isEqualTo(2);
        assertThat(new String(err, StandardCharsets.UTF_8)).contains("'nödes'");
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String hex(String text) {
        StringBuilder hex = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hex.append(String.format("%02x", b & 0xff));
        }
        return hex.toString();
    }
}
