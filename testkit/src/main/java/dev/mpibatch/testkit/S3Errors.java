package dev.mpibatch.testkit;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** S3's error responses for the faults that answer instead of forwarding. */
final class S3Errors {
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private S3Errors() {
    }

    /** The full HTTP response (head and, except for HEAD requests, S3's XML error body) for {@code fault}. */
    static byte[] response(Fault fault, String method, String target) {
        String status;
        String code;
        String message;
        switch (fault) {
            case SLOW_DOWN_503:
                status = "503 Slow Down";
                code = "SlowDown";
                message = "Please reduce your request rate.";
                break;
            case INTERNAL_500:
                status = "500 Internal Server Error";
                code = "InternalError";
                message = "We encountered an internal error. Please try again.";
                break;
            default:
                throw new IllegalArgumentException(fault + " does not answer with an error response");
        }
        String requestId = "FAULTPROXY" + REQUEST_IDS.incrementAndGet();
        byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + message + "</Message><Resource>" + escape(target) + "</Resource><RequestId>" + requestId
                + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
        boolean head = "HEAD".equalsIgnoreCase(method);
        String headers = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: application/xml\r\n"
                + "Content-Length: " + (head ? 0 : body.length) + "\r\n"
                + "x-amz-request-id: " + requestId + "\r\n"
                + "\r\n";
        return concat(headers.getBytes(StandardCharsets.ISO_8859_1), head ? new byte[0] : body);
    }

    /** A {@code 502 Bad Gateway} when S3 itself cannot be reached; the connection closes after it. */
    static byte[] badGateway(String upstream, Exception cause) {
        byte[] body = ("S3FaultProxy could not connect to S3 at " + upstream + ": " + cause)
                .getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private static byte[] concat(byte[] head, byte[] body) {
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
