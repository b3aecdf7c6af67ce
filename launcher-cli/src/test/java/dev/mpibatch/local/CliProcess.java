package dev.mpibatch.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.testing.Requirements;

/** The real CLI as a process of its own ({@code java -jar mpi-batch.jar ...}), its output collected as it comes. */
final class CliProcess implements AutoCloseable {
    private static final Pattern RUN_ID = Pattern.compile("\\(local-([0-9a-f]{6})\\)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private CliProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "cli-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mpi-batch args...} with the agent jar of this build. */
    static CliProcess start(String... args) throws IOException {
        Path cliJar = Path.of(System.getProperty("mpiBatch.cliJar", "target/mpi-batch.jar"));
        Requirements.require(Files.isRegularFile(cliJar), "the CLI jar (mvn package) at " + cliJar);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", cliJar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MPI_BATCH_AGENT_JAR", LocalRun.agentJar().toAbsolutePath().toString());
        Process process = builder.start();
        process.getOutputStream().close();
        return new CliProcess(process);
    }

    /** Waits until a line contains {@code text}; fails after {@code timeout} or if the CLI ended first. */
    void awaitPrinted(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output.toString().contains(text)) {
            if (!process.isAlive() && !reader.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("'" + text + "' not printed within " + timeout + ":\n" + output);
            }
            Thread.sleep(50);
        }
    }

    /** The run's id, once printed. */
    String runId() {
        Matcher m = RUN_ID.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no run id in the output:\n" + output);
        }
        return m.group(1);
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the CLI to exit and returns its exit code; fails after {@code timeout}. */
    int await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the CLI did not exit within " + timeout + ":\n" + output);
        }
        reader.join(5000);
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        System.out.println(output);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            output.append("(output unreadable: ").append(e.getMessage()).append(")\n");
        }
    }
}
