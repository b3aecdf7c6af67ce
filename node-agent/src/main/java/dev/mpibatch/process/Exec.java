package dev.mpibatch.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short system command to its end and captures what it printed: the one way mpi-batch runs {@code ip},
 * {@code podman}, {@code sshd -t}, {@code mpirun --version} and the like.
 *
 * <p>Both output streams are drained at once, each by a thread of its own, while this thread waits for the process
 * with the timeout: a command that fills one pipe while mpi-batch reads the other cannot deadlock, and the timeout
 * fires whatever the command does with its output. A command that runs out of time is killed with everything it
 * started. At most {@link #MAX_CAPTURE} bytes of each stream are kept (the rest is read and dropped).
 *
 * <pre>{@code
 * String routes = Exec.of("ip", "-4", "route", "show").timeout(Duration.ofSeconds(10)).check();
 * Exec.Result version = Exec.of("mpirun", "--version").run();   // never throws for a non-zero exit
 * }</pre>
 */
public final class Exec {
    /** The default timeout: system commands answer in milliseconds; one that takes a minute is stuck. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The most of each stream kept, in bytes. */
    public static final int MAX_CAPTURE = 1 << 20;
    /** How long a killed command's process tree gets to end after SIGTERM, before SIGKILL. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /**
     * How long the output is read after the command ended: a process it left in the background may hold the pipes
     * open, and what it prints later is not this command's output.
     */
    private static final long DRAIN_MILLIS = 2_000;

    private final List<String> command;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Map<String, String> environment;
    private Path directory;

    private Exec(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        this.command = List.copyOf(command);
    }

    public static Exec of(String... command) {
        return new Exec(List.of(command));
    }

    public static Exec of(List<String> command) {
        return new Exec(command);
    }

    /** The longest the command may run before it is killed (default {@link #DEFAULT_TIMEOUT}). */
    public Exec timeout(Duration limit) {
        this.timeout = Objects.requireNonNull(limit, "timeout");
        return this;
    }

    /** Runs the command with exactly this environment (default: this process's). */
    public Exec environment(Map<String, String> env) {
        this.environment = new HashMap<>(env);
        return this;
    }

    public Exec directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /**
     * What a command printed and how it ended.
     *
     * @param command  the command
     * @param exitCode its exit code
     * @param stdout   its standard output (UTF-8, at most {@link #MAX_CAPTURE} bytes)
     * @param stderr   its standard error (likewise)
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Standard output, or a {@link CommandFailedException} naming the exit code and standard error. */
        public String stdoutOrThrow() {
            if (exitCode != 0) {
                throw new CommandFailedException(command, OptionalInt.of(exitCode), "'" + shown(command)
                        + "' failed (exit " + exitCode + ")" + lastLines(stderr.isBlank() ? stdout : stderr), null);
            }
            return stdout;
        }
    }

    /**
     * Runs the command to its end and returns how it ended, whatever its exit code.
     *
     * @throws CommandFailedException when it cannot be started, runs out of time (it is killed), or this thread is
     *                                interrupted (it is killed, and the interrupt is kept)
     */
    public Result run() {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandFailedException(command, OptionalInt.empty(), "cannot run '" + shown(command) + "': "
                    + e.getMessage(), e);
        }
        Drain out = Drain.start(process.getInputStream(), command.get(0) + "-stdout");
        Drain err = Drain.start(process.getErrorStream(), command.get(0) + "-stderr");
        try {
            boolean finished = timeout.isZero() || timeout.isNegative()
                    ? waitFor(process) : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                // What it said before it was killed: the kill's own echoes (a shell's "Terminated") are not news.
                String said = err.text();
                killTree(process, KILL_GRACE);
                throw new CommandFailedException(command, OptionalInt.empty(), "'" + shown(command)
                        + "' did not finish within " + timeout.toSeconds() + "s: killed" + lastLines(said), null);
            }
        } catch (InterruptedException e) {
            killTree(process, KILL_GRACE);
            Thread.currentThread().interrupt();
            throw new CommandFailedException(command, OptionalInt.empty(), "interrupted while running '"
                    + shown(command) + "': killed", e);
        }
        return new Result(command, process.exitValue(), out.finish(), err.finish());
    }

    /**
     * Runs the command and returns its standard output.
     *
     * @throws CommandFailedException as {@link #run()}, and when it exits with a failure (naming the exit code and
     *                                the end of its standard error)
     */
    public String check() {
        return run().stdoutOrThrow();
    }

    /** Runs the command and ignores how it ends: for clean-up, where the thing may be gone already. */
    public void runQuietly() {
        try {
            run();
        } catch (CommandFailedException e) {
            // gone already, or never made: nothing to clean
        }
    }

    /**
     * Stops {@code process} and every process it started: SIGTERM, then after {@code grace} SIGKILL. Waits for
     * the process itself, not for its descendants.
     */
    public static void killTree(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
    }

    /** Where {@code program} is: itself when it is a path, else the first executable of that name on {@code path}. */
    public static Optional<Path> find(String program, String path) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program)) ? Optional.of(Path.of(program)) : Optional.empty();
        }
        String dirs = path == null || path.isBlank() ? "/usr/local/bin:/usr/bin:/bin" : path;
        for (String dir : dirs.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program));
            }
        }
        return Optional.empty();
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    static String shown(List<String> command) {
        return String.join(" ", command);
    }

    /** The end of a command's error output, for a message: its last few lines, at most 2,000 characters. */
    private static String lastLines(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty()) {
            return "";
        }
        List<String> lines = stripped.lines().toList();
        String tail = String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        return ": " + (tail.length() > 2000 ? "..." + tail.substring(tail.length() - 2000) : tail);
    }

    /** Reads one stream to its end on a daemon thread, keeping the first {@link #MAX_CAPTURE} bytes. */
    private static final class Drain {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread thread;

        private Drain(InputStream stream, String name) {
            thread = new Thread(() -> copy(stream), name);
            thread.setDaemon(true);
        }

        static Drain start(InputStream stream, String name) {
            Drain drain = new Drain(stream, name);
            drain.thread.start();
            return drain;
        }

        private void copy(InputStream stream) {
            byte[] buffer = new byte[8192];
            try (stream) {
                int n;
                while ((n = stream.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = MAX_CAPTURE - kept.size();
                        if (room > 0) {
                            kept.write(buffer, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // the stream closed under us: what was read is kept
            }
        }

        /** What was read so far, without waiting. */
        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }

        /** Waits a little for the rest (see {@link #DRAIN_MILLIS}), then returns what was read. */
        String finish() {
            try {
                thread.join(DRAIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return text();
        }
    }
}
