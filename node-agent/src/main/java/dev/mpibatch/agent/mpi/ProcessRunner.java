package dev.mpibatch.agent.mpi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one program as argv (never through a shell), streams its output by line, and bounds its time. */
public final class ProcessRunner {
    /** The exit code for a program that ran out of time, as coreutils' timeout uses. */
    public static final int TIMED_OUT = 124;
    /** The exit code for a program that was not found, as shells use. */
    public static final int NOT_FOUND = 127;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);

    private final Path workDir;
    private final Map<String, String> env;
    private final OutputSink sink;

    public ProcessRunner(Path workDir, Map<String, String> env, OutputSink sink) {
        this.workDir = workDir;
        this.env = Map.copyOf(env);
        this.sink = sink;
    }

    /** Runs {@code command} to the end, or kills it (and its children) after {@code timeout} unless that is zero. */
    public int run(List<String> command, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            LOG.error("cannot run {}: {}", command.get(0), e.getMessage());
            return NOT_FOUND;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debug("closing stdin of {}: {}", command.get(0), e.getMessage());
        }
        Thread out = pump(process.getInputStream(), false, command.get(0));
        Thread err = pump(process.getErrorStream(), true, command.get(0));
        try {
            boolean finished = timeout.isZero() ? waitFor(process) : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                kill(process);
                LOG.error("{} ran longer than the step timeout {}s: killed", command.get(0), timeout.toSeconds());
                out.join(5000);
                err.join(5000);
                return TIMED_OUT;
            }
            out.join();
            err.join();
            return process.exitValue();
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return TIMED_OUT;
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    /** Kills the process and everything it started: mpirun leaves daemons otherwise. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private Thread pump(InputStream stream, boolean stderr, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    sink.line(line, stderr);
                }
            } catch (IOException e) {
                LOG.debug("output of {} closed: {}", name, e.getMessage());
            }
        }, name + (stderr ? "-stderr" : "-stdout"));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
