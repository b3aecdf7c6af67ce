package dev.mpibatch.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body of one write request (PUT or POST) as the client sent it, with transfer and {@code aws-chunked} framing
 * removed: the bytes that S3 would store.
 *
 * @param method the HTTP method
 * @param target the request target (path and query)
 * @param body   the decoded body
 */
public record WrittenBody(String method, String target, byte[] body) {
    public WrittenBody {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8 (undecodable bytes become U+FFFD), for scanning text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
