package dev.mpibatch.agent.rendezvous;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when the sleeper sleeps: timeouts are tested without waiting. */
final class FakeTime extends Clock implements Sleeper {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Duration> sleeps = new ArrayList<>();
    private Runnable onSleep = () -> { };

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        now = now.plus(duration);
        onSleep.run();
    }

    /** Runs {@code action} after every sleep: the world moving on while this node waits. */
    void onSleep(Runnable action) {
        this.onSleep = action;
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    synchronized Duration elapsed() {
        return Duration.between(Instant.parse("2026-01-01T00:00:00Z"), now);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
