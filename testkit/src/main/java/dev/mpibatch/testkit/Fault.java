package dev.mpibatch.testkit;

/** A way {@link S3FaultProxy} misbehaves instead of (or before) forwarding a request to S3. */
public enum Fault {
    /** {@code 503 Slow Down} with S3's XML error body, code {@code SlowDown}: S3 throttling a prefix. */
    SLOW_DOWN_503,
    /** {@code 500 Internal Server Error} with S3's XML error body, code {@code InternalError}. */
    INTERNAL_500,
    /** The connection is reset (SO_LINGER 0, so the client sees an RST) without any response. */
    RESET,
    /** The request is held for the proxy's configured long delay, then forwarded as usual. */
    DELAY
}
