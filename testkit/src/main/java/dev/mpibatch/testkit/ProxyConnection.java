package dev.mpibatch.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Serves one client connection: reads its requests one after another and forwards or faults each one. */
final class ProxyConnection implements Runnable {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int UPSTREAM_READ_TIMEOUT_MILLIS = 120_000;

    private final Socket client;
    private final S3FaultProxy proxy;
    private final StatsRecorder stats;

    ProxyConnection(Socket client, S3FaultProxy proxy, StatsRecorder stats) {
        this.client = client;
        this.proxy = proxy;
        this.stats = stats;
    }

    @Override
    public void run() {
        stats.connectionOpened();
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new CountingStream(new BufferedOutputStream(client.getOutputStream()), stats);
            for (HttpHead request = HttpHead.read(in); request != null; request = HttpHead.read(in)) {
                if (!serve(request, in, out)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client or S3 went away, or sent something that is not HTTP: this connection ends, others go on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stats.connectionClosed();
            proxy.forget(client);
        }
    }

    /** Serves one request; returns whether the connection stays open for the next. */
    private boolean serve(HttpHead request, InputStream in, OutputStream out) throws IOException, InterruptedException {
        String method = request.startPart(0);
        String target = request.startPart(1);
        stats.request(S3Operation.of(method, target, false), System.nanoTime());
        if (request.hasToken("Expect", "100-continue")) {
            // Answer the expectation here so the body always arrives; SigV4 does not sign Expect.
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            request = request.without("Expect");
        }
        sleep(proxy.latency());
        Optional<Fault> fault = proxy.nextFault();
        fault.ifPresent(stats::fault);
        if (fault.isPresent() && fault.get() == Fault.RESET) {
            client.setSoLinger(true, 0);
            client.close();
            return false;
        }
        boolean keepAlive = !request.hasToken("Connection", "close");
        ByteArrayOutputStream written = proxy.recordsBodies() && isWrite(method) ? new ByteArrayOutputStream() : null;
        HttpBodies.Framing framing = HttpBodies.ofRequest(request);
        if (fault.isPresent() && fault.get() != Fault.DELAY) {
            HttpBodies.copy(framing, request, in, null, written);
            record(method, target, request, written);
            out.write(S3Errors.response(fault.get(), method, target));
            out.flush();
            return keepAlive;
        }
        if (fault.isPresent()) {
            sleep(proxy.delayFault());
        }
        return forward(request, method, target, framing, in, out, written) && keepAlive;
    }

    private boolean forward(HttpHead request, String method, String target, HttpBodies.Framing framing,
                            InputStream in, OutputStream out, ByteArrayOutputStream written) throws IOException {
        // One upstream connection per request: no stale keep-alive connection can eat a request whose body
        // has already been streamed.
        try (Socket upstream = new Socket()) {
            try {
                upstream.connect(new InetSocketAddress(proxy.upstreamHost(), proxy.upstreamPort()),
                        CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                HttpBodies.copy(framing, request, in, null, written);
                out.write(S3Errors.badGateway(proxy.upstreamHost() + ":" + proxy.upstreamPort(), e));
                out.flush();
                return false;
            }
            upstream.setSoTimeout(UPSTREAM_READ_TIMEOUT_MILLIS);
            OutputStream upOut = new BufferedOutputStream(upstream.getOutputStream());
            InputStream upIn = new BufferedInputStream(upstream.getInputStream());
            upOut.write(request.bytes());
            HttpBodies.copy(framing, request, in, upOut, written);
            upOut.flush();
            record(method, target, request, written);
            HttpHead response = HttpHead.read(upIn);
            while (response != null && response.startPart(1).startsWith("1")) {
                response = HttpHead.read(upIn);
            }
            if (response == null) {
                throw new IOException("S3 closed the connection without answering " + method + " " + target);
            }
            HttpBodies.Framing responseFraming = HttpBodies.ofResponse(response, method);
            out.write(response.bytes());
            HttpBodies.copy(responseFraming, response, upIn, out, null);
            out.flush();
            return responseFraming != HttpBodies.Framing.UNTIL_CLOSE && !response.hasToken("Connection", "close");
        }
    }

    private void record(String method, String target, HttpHead request, ByteArrayOutputStream written)
            throws IOException {
        if (written == null) {
            return;
        }
        byte[] body = written.toByteArray();
        String encoding = request.header("Content-Encoding");
        if (encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("aws-chunked")) {
            body = HttpBodies.decodeAwsChunked(body);
        }
        stats.write(new WrittenBody(method, target, body, request.header("x-amz-server-side-encryption")));
    }

    private static boolean isWrite(String method) {
        return "PUT".equalsIgnoreCase(method) || "POST".equalsIgnoreCase(method);
    }

    private static void sleep(Duration duration) throws InterruptedException {
        if (!duration.isZero()) {
            Thread.sleep(duration.toMillis());
        }
    }

    /** Counts the bytes that reach the client. */
    private static final class CountingStream extends FilterOutputStream {
        private final StatsRecorder stats;

        CountingStream(OutputStream out, StatsRecorder stats) {
            super(out);
            this.stats = stats;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            stats.sentToClient(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            stats.sentToClient(len);
        }
    }
}
