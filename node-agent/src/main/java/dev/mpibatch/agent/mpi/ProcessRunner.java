package dev.mpibatch.agent.mpi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.process.Exec;

/**
 * Runs one program as argv (never through a shell), streams its output by line, and bounds its time.
 *
 * <p>The program writes to files in the spool directory, which this runner follows ({@link FileTail}), never to
 * a pipe: a program that forwards other processes' output with non-blocking writes (Open MPI's mpirun) loses lines
 * when a pipe is full, and a file is never full. The files are deleted when the program's output has been read; they
 * hold at most one step's output at a time.
 */
public final class ProcessRunner {
    /** The exit code for a program that ran out of time, as coreutils' timeout uses. */
    public static final int TIMED_OUT = 124;
    /** The exit code for a program that was not found, as shells use. */
    public static final int NOT_FOUND = 127;
    /** The longest line passed on whole (bytes); longer ones arrive in pieces of this size. */
    static final int MAX_LINE = 64 * 1024;

    /** How long a killed step's programs get between SIGTERM and SIGKILL. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);

    private final Path workDir;
    private final Path spoolDir;
    private final Map<String, String> env;
    private final OutputSink sink;
    private static final long SECOND_NANOS = 1_000_000_000L;
    private final PausableClock clock = new PausableClock();
    /** The running program's stdout and stderr followers; empty when none runs. */
    private volatile List<FileTail> tails = List.of();

    /**
     * @param spoolDir a private directory that holds the running program's output until it has been read
     * @param env      the program's whole environment: nothing of this process's own is added
     */
    public ProcessRunner(Path workDir, Path spoolDir, Map<String, String> env, OutputSink sink) {
        this.workDir = workDir;
        this.spoolDir = spoolDir;
        this.env = Map.copyOf(env);
        this.sink = sink;
    }

    /** Runs {@code command} to the end, or kills it (and its children) after {@code timeout} unless that is zero. */
    public int run(List<String> command, Duration timeout) {
        return run(command, timeout, Cancellation.never());
    }

    /**
     * Runs {@code command} to the end, or kills it (and its children) after {@code timeout} unless that is zero, or
     * when {@code cancellation} is cancelled (then the exit code is the killed program's, 143 for mpirun).
     */
    public int run(List<String> command, Duration timeout, Cancellation cancellation) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(spoolDir);
            for (String suffix : List.of(".out", ".err", ".launcher")) {
                files.add(Files.createTempFile(spoolDir, "output-", suffix));
            }
            return run(command, timeout, cancellation, files.get(0), files.get(1), files.get(2));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot make the output files of " + command.get(0) + " in "
                    + spoolDir + ": " + e.getMessage(), e);
        } finally {
            files.forEach(ProcessRunner::delete);
        }
    }

    /**
     * @param launcherFile where the MPI launcher's daemons print, apart from the ranks' output (see
     *                     {@link ClusterFiles#launcherSsh()}): passed on as standard error
     */
    private int run(List<String> command, Duration timeout, Cancellation cancellation, Path outFile, Path errFile,
                    Path launcherFile) {
        ProcessBuilder builder = new ProcessBuilder(DeathSignal.wrap(command)).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(errFile.toFile()));
        // Exactly the environment given: the JVM's own (the agent's, the caller's shell on a local cluster) would
        // reach programs on the main node only, so a job would behave differently per node.
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put(ClusterFiles.LAUNCHER_OUTPUT, launcherFile.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            LOG.error("cannot run {}: {}", command.get(0), e.getMessage());
            return NOT_FOUND;
        }
        FileTail outTail = new FileTail(outFile, MAX_LINE, line -> sink.line(line, false));
        FileTail errTail = new FileTail(errFile, MAX_LINE, line -> sink.line(line, true));
        FileTail launcherTail = new FileTail(launcherFile, MAX_LINE, line -> sink.line(line, true));
        Thread out = follow(outTail, command.get(0) + "-stdout");
        Thread err = follow(errTail, command.get(0) + "-stderr");
        Thread launcher = follow(launcherTail, command.get(0) + "-launcher");
        tails = List.of(outTail, errTail);
        Runnable stop = () -> kill(process);
        // The agent stopped by SIGTERM (Batch stopping the job, Ctrl-C on a local cluster) skips everything but its
        // shutdown hooks: stop the program from one, so that no mpirun outlives its agent.
        Thread hook = new Thread(stop, "stop-" + command.get(0));
        Runtime.getRuntime().addShutdownHook(hook);
        cancellation.onCancel(stop);
        int code;
        try {
            boolean finished = timeout.isZero() ? waitFor(process) : waitFor(process, timeout);
            if (finished) {
                code = process.exitValue();
            } else {
                kill(process);
                LOG.error("{} ran longer than the step timeout {}s: killed", command.get(0), timeout.toSeconds());
                code = TIMED_OUT;
            }
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            code = TIMED_OUT;
        } finally {
            cancellation.forget(stop);
            removeHook(hook);
        }
        // Whatever the program wrote is in the files now; background processes it left behind are not waited for.
        outTail.finish();
        errTail.finish();
        launcherTail.finish();
        join(out);
        join(err);
        join(launcher);
        tails = List.of();
        sink.end();
        return code;
    }

    /**
     * Waits (at most {@code max}) until every whole line the running program has written so far has been passed on,
     * so that output another program prints next comes after it, as it happened.
     */
    public void catchUp(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        for (FileTail tail : tails) {
            tail.catchUp(deadline);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs (or ran) and stops the program.
        }
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                // Not bounded in time: the rest of the file is read, and only a stalled consumer could hold it up.
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the output file {}: {}", file, e.getMessage());
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    /** Waits until the program ends or has run {@code timeout}, not counting the time its clock was paused. */
    private boolean waitFor(Process process, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            long left = timeout.toNanos() - clock.ran(start);
            if (left <= 0) {
                return !process.isAlive();
            }
            if (process.waitFor(Math.min(left, SECOND_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    /**
     * Stops counting the running program's time against its timeout, until {@link #resumeClock()}: the time a step it
     * asked for runs is that step's, bounded by its own timeout.
     */
    public void pauseClock() {
        clock.pause();
    }

    /** Counts the running program's time again. */
    public void resumeClock() {
        clock.resume();
    }

    /** Time that counts against a program's timeout: all of it but what was paused. */
    private static final class PausableClock {
        private long pausedNanos;
        private long pausedSince = -1;

        synchronized void pause() {
            if (pausedSince < 0) {
                pausedSince = System.nanoTime();
            }
        }

        synchronized void resume() {
            if (pausedSince >= 0) {
                pausedNanos += System.nanoTime() - pausedSince;
                pausedSince = -1;
            }
        }

        synchronized long ran(long start) {
            long now = System.nanoTime();
            return now - start - pausedNanos - (pausedSince >= 0 ? now - pausedSince : 0);
        }
    }

    /** Kills the process and everything it started: mpirun leaves daemons otherwise. */
    private static void kill(Process process) {
        Exec.killTree(process, KILL_GRACE);
    }

    private static Thread follow(FileTail tail, String name) {
        Thread thread = new Thread(() -> {
            try {
                tail.follow();
            } catch (RuntimeException e) {
                LOG.error("{}", e.getMessage());
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
