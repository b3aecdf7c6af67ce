package dev.mpibatch.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machine-wide lock of local runs: held while a run collects what dead runs left, chooses its subnet and records
 * itself, so that two runs starting at once cannot both take one subnet, and a clean-up never meets a run half made.
 * A file lock for other processes, plus a lock for other runs in this JVM (a file lock is per process).
 */
final class RunLock implements AutoCloseable {
    /** Holders do a few {@code ip} commands and, at worst, kill a dead run's processes: seconds, not minutes. */
    static final Duration WAIT = Duration.ofSeconds(120);
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of the runs under {@code base}, waiting at most {@link #WAIT}.
     *
     * @throws IllegalStateException when another run holds it for longer, naming the lock file
     */
    static RunLock acquire(Path base) {
        Path file = base.resolve(".lock");
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            if (!IN_THIS_JVM.tryLock(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw busy(file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + file, e);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(base);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return new RunLock(channel, lock);
                }
                if (System.nanoTime() > deadline) {
                    throw busy(file);
                }
                Thread.sleep(50);
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeQuietly(channel);
            IN_THIS_JVM.unlock();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        } finally {
            closeQuietly(channel);
            IN_THIS_JVM.unlock();
        }
    }

    private static IllegalStateException busy(Path file) {
        return new IllegalStateException("another mpi-batch local has held " + file + " for over " + WAIT.toSeconds()
                + " s while starting or cleaning up: find it with 'fuser " + file + "' and stop it, then retry");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held any more
            }
        }
    }
}
