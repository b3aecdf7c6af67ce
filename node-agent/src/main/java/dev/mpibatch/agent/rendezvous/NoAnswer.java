package dev.mpibatch.agent.rendezvous;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Recognises an AWS call that failed because the other end did not answer (a timeout, a refused or unroutable
 * connection) rather than answering with an error, so that messages can name the endpoint that was silent.
 */
public final class NoAnswer {
    private NoAnswer() {
    }

    /** Whether {@code e} (or a cause) is a call, attempt, connect or read timeout, or a refused connection. */
    public static boolean is(SdkException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // SocketTimeoutException and HttpTimeoutException are InterruptedIOExceptions; an aborted call too.
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof InterruptedIOException || t instanceof ConnectException
                    || t instanceof NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code endpoint} without its user info ({@code http://user:secret@host:port/} becomes
     * {@code http://host:port/}): endpoints are named in messages, credentials never are.
     */
    public static String withoutUserInfo(URI endpoint) {
        if (endpoint.getRawUserInfo() == null) {
            return endpoint.toString();
        }
        try {
            return new URI(endpoint.getScheme(), null, endpoint.getHost(), endpoint.getPort(), endpoint.getPath(),
                    endpoint.getQuery(), endpoint.getFragment()).toString();
        } catch (URISyntaxException e) {
            return endpoint.getScheme() + "://" + endpoint.getHost();
        }
    }

    /** A duration as messages show it: {@code 30s}. */
    public static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
