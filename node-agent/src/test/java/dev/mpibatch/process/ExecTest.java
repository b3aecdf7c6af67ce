package dev.mpibatch.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The one runner of short system commands: both streams drained at once (no deadlock however much either gets),
 * a timeout that fires whatever the command does with its output, and failures that name the command.
 */
class ExecTest {
    @Test
    void bothStreamsFull_noDeadlock_andBothAreCaptured() {
        // 2 MiB to stderr before anything to stdout: a runner that reads stdout first would wait for ever (64 KiB pipe).
        Exec.Result result = Exec.of("sh", "-c", "head -c 2097152 /dev/zero | tr '\\0' e >&2; echo out")
                .timeout(Duration.ofSeconds(30)).run();

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).hasSize(Exec.MAX_CAPTURE);
    }

    @Test
    void timeout_firesWhileTheCommandKeepsItsOutputOpen_andKillsWhatItStarted() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> Exec.of("sh", "-c", "echo started; sleep 300 & sleep 300").timeout(Duration.ofSeconds(1)).run())
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("'sh -c echo started; sleep 300 & sleep 300' did not finish within 1s: killed");
        assertThat((System.nanoTime() - start) / 1_000_000_000L).as("seconds").isLessThan(20);
    }

    @Test
    void check_failure_namesTheCommandItsCodeAndItsError() {
        assertThatThrownBy(() -> Exec.of("sh", "-c", "echo 'RTNETLINK answers: File exists' >&2; exit 2").check())
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("'sh -c echo 'RTNETLINK answers: File exists' >&2; exit 2' failed (exit 2): RTNETLINK "
                        + "answers: File exists")
                .satisfies(e -> assertThat(((CommandFailedException) e).exitCode()).hasValue(2));
    }

    @Test
    void notFound_saysItCannotRun() {
        assertThatThrownBy(() -> Exec.of("/no/such/tool", "x").run())
                .isInstanceOf(CommandFailedException.class).hasMessageStartingWith("cannot run '/no/such/tool x': ");
    }

    @Test
    void environment_isExactlyTheOneGiven() {
        String out = Exec.of("/usr/bin/env").environment(Map.of("ONLY", "this")).check();

        assertThat(out).isEqualTo("ONLY=this\n");
    }

    @Test
    void find_looksOnTheGivenPath() {
        assertThat(Exec.find("sh", "/nowhere:/bin")).isPresent();
        assertThat(Exec.find("sh", "/nowhere")).isEmpty();
    }
}
