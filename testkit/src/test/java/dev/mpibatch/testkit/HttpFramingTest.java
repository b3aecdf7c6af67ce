package dev.mpibatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.mpibatch.testing.S3ProxyFixture;

/** Request and response framing the SDK may use: chunked and aws-chunked bodies, keep-alive, HEAD. */
class HttpFramingTest {
    private static final String AWS_CHUNKED = "5;chunk-signature=ab12\r\nhello\r\n"
            + "6;chunk-signature=cd34\r\n world\r\n"
            + "0;chunk-signature=ef56\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";

    @Test
    void awsChunkedBodiesDecodeToTheObjectsBytes() throws Exception {
        assertThat(new String(HttpBodies.decodeAwsChunked(AWS_CHUNKED.getBytes(StandardCharsets.US_ASCII)),
                StandardCharsets.US_ASCII)).isEqualTo("hello world");
    }

    @Test
    void chunkedBodiesAreCopiedByteForByteWithTheirTrailers() throws Exception {
        HttpHead head = HttpHead.read(new ByteArrayInputStream(
                "PUT /b/k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream((AWS_CHUNKED + "NEXT").getBytes(StandardCharsets.US_ASCII));
        HttpBodies.copy(HttpBodies.ofRequest(head), head, in, copy, payload);
        assertThat(copy.toString(StandardCharsets.US_ASCII)).isEqualTo(AWS_CHUNKED);
        assertThat(payload.toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }

    @Test
    void oneConnectionCarriesAChunkedRequestAnExpectationAndAHeadInTurn() throws Exception {
        try (S3ProxyFixture s3 = S3ProxyFixture.start();
             S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).start();
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String host = "Host: 127.0.0.1:" + proxy.port() + "\r\n";
            // Unsigned: S3Proxy refuses each with 403 and S3's XML error, which must come back whole every time.
            out.write(("PUT /bucket/key HTTP/1.1\r\n" + host + "Transfer-Encoding: chunked\r\n\r\n" + AWS_CHUNKED)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in, false)).startsWith("HTTP/1.1 403").contains("<Code>AccessDenied</Code>");
            out.write(("PUT /bucket/key2 HTTP/1.1\r\n" + host + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(HttpHead.read(in).startLine()).isEqualTo("HTTP/1.1 100 Continue");
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in, false)).startsWith("HTTP/1.1 403").contains("AccessDenied");
            out.write(("HEAD /bucket/key HTTP/1.1\r\n" + host + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in, true)).matches("HTTP/1.1 40[34] .*\\n");
            assertThat(proxy.stats().requests(S3Operation.PUT)).isEqualTo(2);
            assertThat(proxy.stats().requests(S3Operation.HEAD)).isEqualTo(1);
        }
    }

    private static String readResponse(InputStream in, boolean head) throws Exception {
        HttpHead response = HttpHead.read(in);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpBodies.copy(HttpBodies.ofResponse(response, head ? "HEAD" : "GET"), response, in, body, null);
        return response.startLine() + "\n" + body.toString(StandardCharsets.UTF_8);
    }
}
