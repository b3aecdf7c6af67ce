package dev.mpibatch.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body of one write request (PUT or POST) as the client sent it, with transfer and {@code aws-chunked} framing
 * removed: the bytes that S3 would store.
 *
 * @param method the HTTP method
 * @param target the request target (path and query)
 * @param body                 the decoded body
 * @param serverSideEncryption the request's {@code x-amz-server-side-encryption} header (what the client asked S3
 *                             to encrypt with, e.g. {@code AES256}), or empty when it asked for nothing
 */
public record WrittenBody(String method, String target, byte[] body, String serverSideEncryption) {
    public WrittenBody {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        body = body.clone();
        serverSideEncryption = serverSideEncryption == null ? "" : serverSideEncryption;
    }

    /** A write that asked for no server-side encryption. */
    public WrittenBody(String method, String target, byte[] body) {
        this(method, target, body, "");
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
