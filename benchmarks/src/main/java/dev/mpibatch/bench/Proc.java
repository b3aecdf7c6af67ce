package dev.mpibatch.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to its end and times it: what benchmarks use to compare whole programs side by side.
 *
 * @param exitCode the command's exit code
 * @param output   its standard output and error, interleaved
 * @param millis   wall time from start to exit
 */
public record Proc(int exitCode, String output, double millis) {

    /** Runs {@code command} in {@code dir} with {@code env} added to this process's environment. */
    public static Proc run(List<String> command, Map<String, String> env, Path dir, Duration timeout) throws IOException {
        Path log = Files.createTempFile("bench-proc", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(new File("/dev/null"));
            builder.environment().putAll(env);
            long start = System.nanoTime();
            Process process = builder.start();
            boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            double millis = (System.nanoTime() - start) / 1e6;
            if (!done) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within " + timeout);
            }
            return new Proc(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8), millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Fails, with the command's output, unless it exited 0. */
    public Proc checked(String what) {
        if (exitCode != 0) {
            throw new IllegalStateException(what + " failed with exit code " + exitCode + ":\n" + output.strip());
        }
        return this;
    }
}
