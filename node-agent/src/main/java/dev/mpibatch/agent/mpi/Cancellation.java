package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A request to stop a running step before it ends by itself: the program that asked for it went away, or the plan's
 * step it was asked from has ended. Cancelled at most once; actions registered later run at once.
 */
public final class Cancellation {
    private final List<Runnable> actions = new ArrayList<>();
    private String reason;

    /** For a step that nothing but its timeout stops (the plan's own steps). */
    public static Cancellation never() {
        return new Cancellation();
    }

    /** Cancels: runs every registered action, in this thread. A second call does nothing. */
    public void cancel(String why) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        toRun.forEach(Runnable::run);
    }

    /** Why it was cancelled; empty while it was not. */
    public synchronized Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** Runs {@code action} when cancelled, or now if it already was. */
    void onCancel(Runnable action) {
        synchronized (this) {
            if (reason == null) {
                actions.add(action);
                return;
            }
        }
        action.run();
    }

    /** Forgets {@code action}: the step it would stop has ended. */
    synchronized void forget(Runnable action) {
        actions.remove(action);
    }
}
