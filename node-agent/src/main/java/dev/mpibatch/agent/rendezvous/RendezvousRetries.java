package dev.mpibatch.agent.rendezvous;

import java.time.Duration;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * The rendezvous's retry budget for S3: every request may be tried {@link #MAX_ATTEMPTS} times, with exponential
 * backoff and full jitter, on throttling (503 SlowDown), server errors (5xx) and broken connections.
 *
 * <p>Why not the SDK's standard mode: its 3 attempts give up on 1 request in 125 when a fifth of requests fail,
 * and a formation makes hundreds; and its token bucket (a client-wide circuit breaker) stops retrying altogether
 * after a burst of failures, which is exactly when a node must keep trying. Here the bound is per request:
 * at most {@value #MAX_ATTEMPTS} attempts, and the client's API call timeout bounds the time.
 */
public final class RendezvousRetries {
    /** Attempts per S3 request, the first included. */
    public static final int MAX_ATTEMPTS = 10;

    private static final Duration BASE_DELAY = Duration.ofMillis(100);
    private static final Duration THROTTLED_BASE_DELAY = Duration.ofMillis(250);
    private static final Duration MAX_DELAY = Duration.ofSeconds(3);

    private RendezvousRetries() {
    }

    /** The retry strategy of the agents' (and the local launcher's) rendezvous S3 clients. */
    public static RetryStrategy strategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(MAX_ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(BASE_DELAY, MAX_DELAY))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(THROTTLED_BASE_DELAY, MAX_DELAY))
                .circuitBreakerEnabled(false)
                .build();
    }

    /** Whether a failure is one that retries would have tried to outlast (so the budget is spent). */
    static boolean isTransient(SdkException e) {
        if (e instanceof SdkServiceException service) {
            return service.statusCode() >= 500 || service.isThrottlingException();
        }
        return e instanceof SdkClientException;
    }
}
