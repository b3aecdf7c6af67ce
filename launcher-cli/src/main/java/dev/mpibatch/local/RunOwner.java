package dev.mpibatch.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Who made a local run: the process that runs it (its pid and start time, so a reused pid is not taken for it) and
 * the subnet it claimed. Kept as {@code owner} in the run's directory; a run whose owner is gone was killed
 * (SIGKILL, a crash of the machine's JVM) and what it left may be removed.
 *
 * @param id      the run's id ({@code local-<id>})
 * @param root    the run's directory
 * @param pid     the owner process
 * @param started the owner's start time, when the system tells it
 * @param subnet  the subnet of its bridge, empty for a loopback run
 * @param keep    the run was asked to keep its directory ({@code --keep}): clean-up leaves the directory
 * @param ended   the run is over and only its kept directory remains, for the user to inspect and remove
 */
record RunOwner(String id, Path root, long pid, Optional<Instant> started, Optional<String> subnet, boolean keep,
                boolean ended) {
    static final String FILE = "owner";

    /** Records this process as the owner of the run at {@code root}. */
    static RunOwner write(String id, Path root, Optional<String> subnet, boolean keep) {
        ProcessHandle self = ProcessHandle.current();
        RunOwner owner = new RunOwner(id, root, self.pid(), self.info().startInstant(), subnet, keep, false);
        owner.store();
        return owner;
    }

    /** Marks the kept directory at {@code root} as over: nothing of it runs any more. */
    static void markEnded(String id, Path root) {
        read(id, root).ifPresent(owner -> new RunOwner(id, root, owner.pid(), owner.started(), owner.subnet(),
                owner.keep(), true).store());
    }

    private void store() {
        Properties properties = new Properties();
        properties.setProperty("pid", Long.toString(pid));
        started.ifPresent(s -> properties.setProperty("started", Long.toString(s.toEpochMilli())));
        subnet.ifPresent(s -> properties.setProperty("subnet", s));
        properties.setProperty("keep", Boolean.toString(keep));
        properties.setProperty("ended", Boolean.toString(ended));
        try (Writer out = Files.newBufferedWriter(root.resolve(FILE), StandardCharsets.UTF_8)) {
            properties.store(out, "the process running this mpi-batch local run");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + root.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /** The owner of the run at {@code root}; empty when it has no (readable) record. */
    static Optional<RunOwner> read(String id, Path root) {
        Path file = root.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
            long pid = Long.parseLong(properties.getProperty("pid", "").strip());
            String started = properties.getProperty("started");
            return Optional.of(new RunOwner(id, root, pid,
                    started == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(started.strip()))),
                    Optional.ofNullable(properties.getProperty("subnet")),
                    Boolean.parseBoolean(properties.getProperty("keep")),
                    Boolean.parseBoolean(properties.getProperty("ended"))));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the owner still runs: its pid exists and, when both are known, started when the record says (a pid is
     * reused once its process is gone). In doubt it counts as alive: a live run's state is never removed.
     */
    boolean isAlive() {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Instant> actual = process.get().info().startInstant();
        if (started.isEmpty() || actual.isEmpty()) {
            return true;
        }
        // Both come from the same clock ticks since boot; allow for rounding.
        return Math.abs(actual.get().toEpochMilli() - started.get().toEpochMilli()) < 1000;
    }
}
