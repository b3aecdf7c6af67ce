package dev.mpibatch.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies HTTP/1.1 bodies byte for byte by their framing (a length, chunked, or up to the end of the stream),
 * optionally keeping the decoded payload on the side.
 */
public final class HttpBodies {
    private static final int BUFFER = 16 * 1024;

    private HttpBodies() {
    }

    /** How a message's body ends. */
    public enum Framing { NONE, LENGTH, CHUNKED, UNTIL_CLOSE }

    /** The framing of a request body (a request without a length or chunking has none). */
    public static Framing ofRequest(HttpHead head) {
        if (head.hasToken("Transfer-Encoding", "chunked")) {
            return Framing.CHUNKED;
        }
        return head.header("Content-Length") != null ? Framing.LENGTH : Framing.NONE;
    }

    /** The framing of a response body, which depends on the request's method and the status. */
    public static Framing ofResponse(HttpHead head, String requestMethod) {
        int status = Integer.parseInt(head.startPart(1));
        if ("HEAD".equalsIgnoreCase(requestMethod) || status / 100 == 1 || status == 204 || status == 304) {
            return Framing.NONE;
        }
        if (head.hasToken("Transfer-Encoding", "chunked")) {
            return Framing.CHUNKED;
        }
        return head.header("Content-Length") != null ? Framing.LENGTH : Framing.UNTIL_CLOSE;
    }

    /**
     * Copies a body from {@code in} to {@code out} (null: read and drop it), writing the payload without chunk
     * framing to {@code payload} when it is not null.
     */
    public static void copy(Framing framing, HttpHead head, InputStream in, OutputStream out, OutputStream payload)
            throws IOException {
        switch (framing) {
            case NONE:
                return;
            case LENGTH:
                copyFixed(Long.parseLong(head.header("Content-Length")), in, out, payload);
                return;
            case CHUNKED:
                copyChunked(in, out, payload);
                return;
            default:
                byte[] buffer = new byte[BUFFER];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    write(buffer, n, out, payload);
                }
        }
    }

    /**
     * Removes {@code aws-chunked} framing ({@code hex-size[;chunk-signature=...]} lines, chunk data, trailing
     * checksum headers) from a body, leaving the object's bytes.
     */
    static byte[] decodeAwsChunked(byte[] body) throws IOException {
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(body.length);
        copyChunked(new ByteArrayInputStream(body), null, decoded);
        return decoded.toByteArray();
    }

    private static void copyFixed(long length, InputStream in, OutputStream out, OutputStream payload)
            throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER, Math.max(length, 1))];
        for (long left = length; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("body ended " + left + " bytes before its length of " + length);
            }
            write(buffer, n, out, payload);
            left -= n;
        }
    }

    private static void copyChunked(InputStream in, OutputStream out, OutputStream payload) throws IOException {
        while (true) {
            String sizeLine = HttpHead.readLine(in, false);
            writeLine(sizeLine, out);
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            if (size == 0) {
                // Trailers (aws-chunked puts checksums there), then the empty line that ends the body.
                for (String trailer = HttpHead.readLine(in, true); trailer != null; ) {
                    writeLine(trailer, out);
                    if (trailer.isEmpty()) {
                        return;
                    }
                    trailer = HttpHead.readLine(in, true);
                }
                return;
            }
            copyFixed(size, in, out, payload);
            writeLine(HttpHead.readLine(in, false), out);
        }
    }

    private static void writeLine(String line, OutputStream out) throws IOException {
        if (out != null) {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    private static void write(byte[] buffer, int n, OutputStream out, OutputStream payload) throws IOException {
        if (out != null) {
            out.write(buffer, 0, n);
        }
        if (payload != null) {
            payload.write(buffer, 0, n);
        }
    }
}
