package dev.mpibatch.agent.mpi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Follows a file that a program writes its output to, as {@code tail -f} does, handing every line to a consumer;
 * after {@link #finish()} it reads what is left and ends.
 *
 * <p>Why a file and not a pipe: Open MPI's mpirun writes the output it forwards from other nodes with non-blocking
 * writes, and output still queued when the job ends is dropped. Behind a pipe that a slower reader drains (the agent,
 * then the launcher, then the user's terminal), mpirun finds the pipe full and lines are lost: measured here, 593 of
 * 2502 lines of two ranks on two hosts reached the end of a pipe whose reader paused for one second, all 2502 reached
 * a file. A regular file never refuses a write, so the program is never held up by whoever reads its output.
 */
final class FileTail {
    private static final long FIRST_PAUSE_MILLIS = 2;
    private static final long LONGEST_PAUSE_MILLIS = 50;

    private final Path file;
    private final LineSplitter lines;
    private final Object wakeUp = new Object();
    private volatile boolean finishing;
    /** Bytes handed to the line splitter so far; guarded by {@link #wakeUp}. */
    private long passedOn;
    private boolean ended;

    /**
     * @param file     the file the program writes to (it exists already)
     * @param maxLine  the longest line passed on whole, in bytes; longer ones are passed on in pieces of that size
     * @param consumer receives each line without its line end
     */
    FileTail(Path file, int maxLine, Consumer<String> consumer) {
        this.file = file;
        this.lines = new LineSplitter(maxLine, consumer);
    }

    /**
     * Copies lines until {@link #finish()} was called and the end of the file was reached after it. Pauses briefly
     * (a few milliseconds, growing to 50) whenever the program has written nothing new.
     */
    void follow() {
        byte[] buffer = new byte[64 * 1024];
        long pause = FIRST_PAUSE_MILLIS;
        try (InputStream in = Files.newInputStream(file)) {
            while (true) {
                // Read the flag before reading the file: data written before finish() was called is then certainly
                // in the file by the time this read finds its end.
                boolean last = finishing;
                int n = in.read(buffer);
                if (n > 0) {
                    lines.accept(buffer, n);
                    synchronized (wakeUp) {
                        passedOn += n;
                        wakeUp.notifyAll();
                    }
                    pause = FIRST_PAUSE_MILLIS;
                } else if (last) {
                    break;
                } else {
                    pause(pause);
                    pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output file " + file + ": " + e.getMessage(), e);
        } finally {
            lines.end();
            synchronized (wakeUp) {
                ended = true;
                wakeUp.notifyAll();
            }
        }
    }

    /**
     * Waits until everything the file holds now has been read and its whole lines passed on, or until
     * {@code deadlineNanos} ({@link System#nanoTime()}); wakes the follower so it reads at once.
     */
    void catchUp(long deadlineNanos) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return; // the program's output is over and its file deleted: nothing to wait for
        }
        synchronized (wakeUp) {
            wakeUp.notifyAll();
            while (passedOn < size && !ended) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    wakeUp.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The program has ended: read what it wrote, then stop. */
    void finish() {
        finishing = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
    }

    private void pause(long millis) {
        synchronized (wakeUp) {
            if (finishing) {
                return;
            }
            try {
                wakeUp.wait(millis);
            } catch (InterruptedException e) {
                // Treated as finish(): the file is still drained. The flag is not restored, since an interrupted
                // thread could no longer read the file (its channel would close).
                finishing = true;
            }
        }
    }
}
