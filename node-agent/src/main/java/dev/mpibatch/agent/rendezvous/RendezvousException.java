package dev.mpibatch.agent.rendezvous;

/** The rendezvous failed: a store error, a timeout (naming what is missing) or an invalid record. */
public class RendezvousException extends RuntimeException {
    public RendezvousException(String message) {
        super(message);
    }

    public RendezvousException(String message, Throwable cause) {
        super(message, cause);
    }
}
