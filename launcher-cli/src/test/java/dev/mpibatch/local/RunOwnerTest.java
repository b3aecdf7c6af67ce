package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's owner record, and whether the owner still runs. */
class RunOwnerTest {
    @TempDir
    Path root;

    @Test
    void write_thenRead_isThisProcessAndAlive() {
        RunOwner.write("abc123", root, Optional.of("10.213.7.0/24"), false);

        RunOwner owner = RunOwner.read("abc123", root).orElseThrow();

        assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(owner.subnet()).contains("10.213.7.0/24");
        assertThat(owner.isAlive()).isTrue();
    }

    @Test
    void markEnded_keepsTheRecordAndSaysTheRunIsOver() {
        RunOwner.write("abc123", root, Optional.empty(), true);

        RunOwner.markEnded("abc123", root);

        RunOwner owner = RunOwner.read("abc123", root).orElseThrow();
        assertThat(owner.keep()).isTrue();
        assertThat(owner.ended()).isTrue();
        assertThat(owner.pid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void anOwnerThatExited_isDead() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();

        assertThat(new RunOwner("abc123", root, exited.pid(), Optional.empty(), Optional.empty(), false, false).isAlive()).isFalse();
    }

    @Test
    void aReusedPid_isNotTheOwner() {
        // This process's pid, but a start time a day earlier: the owner died and the pid went to someone else.
        Instant started = ProcessHandle.current().info().startInstant().orElseThrow().minusSeconds(86_400);

        assertThat(new RunOwner("abc123", root, ProcessHandle.current().pid(), Optional.of(started), Optional.empty(), false, false)
                .isAlive()).isFalse();
    }

    @Test
    void read_whenNoRecordOrAGarbledOne_isEmpty() throws Exception {
        assertThat(RunOwner.read("abc123", root)).isEmpty();
        Files.writeString(root.resolve(RunOwner.FILE), "pid=banana\n");
        assertThat(RunOwner.read("abc123", root)).isEmpty();
    }
}
