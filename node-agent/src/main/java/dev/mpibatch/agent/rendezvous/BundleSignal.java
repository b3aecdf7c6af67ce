package dev.mpibatch.agent.rendezvous;

import java.time.Duration;

/** Tells a waiting worker that its bundle has been written ({@link BundleDoorbell}; tests pass their own). */
public interface BundleSignal {
    /**
     * Waits at most {@code timeout} for the notice.
     *
     * @return true when it came (since the last call), false when the time ran out
     */
    boolean await(Duration timeout) throws InterruptedException;
}
