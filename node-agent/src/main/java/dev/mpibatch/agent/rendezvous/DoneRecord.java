package dev.mpibatch.agent.rendezvous;

import java.util.Objects;

/**
 * The main node's result under {@code done.json}: workers exit when they see it.
 *
 * @param exitCode the main node's exit code
 * @param reason   a one-line explanation ("plan finished", "step 3 (exec) exited with 3", ...)
 */
public record DoneRecord(int exitCode, String reason) {
    public DoneRecord {
        Objects.requireNonNull(reason, "reason");
    }
}
