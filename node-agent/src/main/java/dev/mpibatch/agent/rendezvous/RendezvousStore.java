package dev.mpibatch.agent.rendezvous;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A small key/value store shared by the nodes of one job attempt: S3 in AWS, a directory on a local cluster.
 *
 * <p>Keys are relative to the store's scope ({@code <jobId>/attempt-<n>/}), e.g. {@code nodes/3.json}.
 * Implementations are thread-safe; a {@link #put} is atomic (a reader sees the whole value or nothing) and
 * failures are unchecked {@link RendezvousException}s after the implementation's own bounded retries.
 */
public interface RendezvousStore extends AutoCloseable {

    /** Writes {@code value} under {@code key}, replacing what was there. */
    void put(String key, byte[] value);

    /**
     * Writes {@code value} under {@code key} only if nothing is there yet, atomically (S3: {@code If-None-Match: *}).
     * Returns false, writing nothing, when a value already exists: another writer got there first.
     */
    boolean create(String key, byte[] value);

    /** The value under {@code key}, or empty when there is none (yet). */
    Optional<byte[]> get(String key);

    /** The keys that start with {@code prefix}, in no particular order. */
    List<String> list(String prefix);

    /** Deletes every key of this scope. */
    void deleteAll();

    /** A description for messages and logs, e.g. {@code s3://bucket/prefix/job/attempt-1/}; never a secret. */
    String describe();

    /**
     * This store with every call bounded by {@code deadline} (as {@code clock} tells time): a call whose remote end
     * does not answer fails by then with a {@link RendezvousException} naming the key and the endpoint, so formation
     * waits no longer than its timeout however each call hangs. A store whose calls cannot hang (a local directory)
     * returns itself. Closing the view does not close this store.
     */
    default RendezvousStore until(Instant deadline, Clock clock) {
        return this;
    }

    @Override
    default void close() {
    }
}
