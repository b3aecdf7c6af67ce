package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    @TempDir
    Path dir;

    /**
     * A program that writes with non-blocking writes and gives up when they would block, as Open MPI's mpirun does
     * with the output it forwards, must lose nothing behind a reader that is slower than it: its output goes to a file.
     */
    @Test
    void run_whenTheProgramWritesNonBlockingAndTheReaderIsSlow_losesNoLine() {
        // Python sets its stdout non-blocking and drops whatever the pipe does not take at once.
        String script = "import os, fcntl, sys\n"
                + "fd = 1\n"
                + "fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)\n"
                + "dropped = 0\n"
                + "for i in range(20000):\n"
                + "    line = ('line-%06d-' % i + 'x' * 60 + '\\n').encode()\n"
                + "    try:\n"
                + "        os.write(fd, line)\n"
                + "    except BlockingIOError:\n"
                + "        dropped += 1\n"
                + "os.write(fd, b'END\\n')\n";
        AtomicInteger seen = new AtomicInteger();
        List<String> last = new ArrayList<>();
        OutputSink slow = (text, stderr) -> {
            if (seen.incrementAndGet() % 2000 == 0) {
                sleep(50);
            }
            synchronized (last) {
                last.clear();
                last.add(text);
            }
        };

        int code = new ProcessRunner(dir, dir.resolve("spool"), Map.of(), slow)
                .run(List.of("python3", "-c", script), Duration.ZERO);

        assertThat(code).isZero();
        assertThat(seen.get()).isEqualTo(20001);
        assertThat(last).containsExactly("END");
    }

    @Test
    void run_afterTheProgramEnded_leavesNoOutputFileBehind() throws Exception {
        new ProcessRunner(dir, dir.resolve("spool"), Map.of(), (t, e) -> { })
                .run(List.of("sh", "-c", "echo out; echo err >&2"), Duration.ZERO);

        try (var files = Files.list(dir.resolve("spool"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void run_whenTheStepTimesOut_stillPassesOnWhatTheProgramPrinted() {
        List<String> lines = new ArrayList<>();
        int code = new ProcessRunner(dir, dir.resolve("spool"), Map.of(), (t, stderr) -> {
            if (!stderr) {
                lines.add(t);
            }
        }).run(List.of("sh", "-c", "echo before; sleep 30"), Duration.ofMillis(500));

        assertThat(code).isEqualTo(ProcessRunner.TIMED_OUT);
        assertThat(lines).containsExactly("before");
    }

    @Test
    void run_whenTheProgramLeavesABackgroundChildHoldingItsOutput_returnsWhenTheProgramEnds() {
        long start = System.nanoTime();
        int code = new ProcessRunner(dir, dir.resolve("spool"), Map.of(), (t, e) -> { })
                .run(List.of("sh", "-c", "sleep 20 & echo started"), Duration.ZERO);

        assertThat(code).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
