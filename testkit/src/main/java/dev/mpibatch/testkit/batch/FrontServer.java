package dev.mpibatch.testkit.batch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.testkit.HttpBodies;
import dev.mpibatch.testkit.HttpHead;

/**
 * The emulator's one endpoint, for the CLI and the node containers alike: Batch's job operations (a request signed
 * for service {@code batch} to one of {@link BatchApi#PATHS}) are answered here; every other request (S3, CloudWatch
 * Logs, IAM, CloudFormation, Batch's queues and definitions) goes to moto byte for byte, signed headers unchanged.
 */
final class FrontServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrontServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int UPSTREAM_TIMEOUT_MILLIS = 120_000;
    private static final long SLOW_MILLIS = 5_000;
    private final java.util.concurrent.atomic.AtomicInteger slow = new java.util.concurrent.atomic.AtomicInteger();

    private final ServerSocket server;
    private final BatchApi api;
    private final Definitions definitions;
    private final int motoPort;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    private FrontServer(ServerSocket server, BatchApi api, Definitions definitions, int motoPort) {
        this.server = server;
        this.api = api;
        this.definitions = definitions;
        this.motoPort = motoPort;
    }

    static FrontServer start(String address, BatchApi api, Definitions definitions, int motoPort) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 256);
        FrontServer front = new FrontServer(socket, api, definitions, motoPort);
        daemon("batch-emulator-accept", front::accept);
        return front;
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                clients.add(client);
                daemon("batch-emulator-connection", () -> serve(client));
            } catch (IOException e) {
                // closed, or one failed accept: the loop condition decides
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            for (HttpHead request = HttpHead.read(in); request != null; request = HttpHead.read(in)) {
                if (request.hasToken("Expect", "100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    request = request.without("Expect");
                }
                boolean open = isBatchJobCall(request) ? answer(request, in, out)
                        : isBatchCall(request, "/v1/registerjobdefinition") || isBatchCall(request, "/v1/describejobdefinitions")
                        ? forwardDefinitions(request, in, out) : forward(request, in, out);
                if (!open || request.hasToken("Connection", "close")) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent something that is not HTTP: this connection ends, others go on
        } finally {
            clients.remove(client);
        }
    }

    /** A Batch job operation: POST to its path, signed for {@code batch} (or unsigned). */
    static boolean isBatchJobCall(HttpHead request) {
        return BatchApi.PATHS.stream().anyMatch(path -> isBatchCall(request, path));
    }

    /** A Batch operation at {@code path} (Batch is REST-JSON: POST /v1/operation), signed for {@code batch}. */
    static boolean isBatchCall(HttpHead request, String path) {
        String target = request.startPart(1);
        int query = target.indexOf('?');
        return "POST".equals(request.startPart(0)) && path.equals(query < 0 ? target : target.substring(0, query))
                && "batch".equals(signedService(request.header("Authorization")));
    }

    /** The service of a SigV4 credential scope ({@code Credential=AKID/date/region/service/aws4_request}). */
    static String signedService(String authorization) {
        if (authorization == null) {
            return "batch";
        }
        int at = authorization.indexOf("Credential=");
        if (at < 0) {
            return "";
        }
        String[] scope = authorization.substring(at + "Credential=".length()).split("[,\\s]")[0].split("/");
        return scope.length >= 5 ? scope[3] : "";
    }

    private boolean answer(HttpHead request, InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        HttpBodies.copy(HttpBodies.ofRequest(request), request, in, null, body);
        int status = 200;
        String type = null;
        JsonNode answer;
        try {
            JsonNode input = body.size() == 0 ? JSON.createObjectNode() : JSON.readTree(body.toByteArray());
            String target = request.startPart(1);
            answer = api.handle(target.contains("?") ? target.substring(0, target.indexOf('?')) : target, input);
        } catch (BatchError e) {
            status = e.httpStatus();
            type = e.type();
            ObjectNode error = JSON.createObjectNode();
            answer = error.put("__type", type).put("message", e.getMessage());
        } catch (IOException e) {
            status = 400;
            type = "ClientException";
            answer = JSON.createObjectNode().put("__type", type).put("message", "the body is not JSON: " + e.getMessage());
        }
        byte[] bytes = JSON.writeValueAsBytes(answer);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status == 200 ? " OK" : " Error")
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(bytes.length)
                .append("\r\nx-amzn-RequestId: ").append(UUID.randomUUID()).append("\r\n");
        if (type != null) {
            head.append("x-amzn-ErrorType: ").append(type).append("\r\n");
            LOG.info("Batch {} answered {}: {}", request.startPart(1), type, answer.path("message").asText());
        }
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
        return true;
    }

    /** Sends the request to moto unchanged and its answer back unchanged; one upstream connection per request. */
    private boolean forward(HttpHead request, InputStream in, OutputStream out) throws IOException {
        long start = System.nanoTime();
        try {
            return forwardTimed(request, in, out);
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > SLOW_MILLIS) {
                slow.incrementAndGet();
                LOG.warn("moto took {} ms to answer {} (signed for {})", millis, request.startLine(),
                        signedService(request.header("Authorization")));
            }
        }
    }

    /** How many forwarded requests took longer than {@link #SLOW_MILLIS}. */
    int slowRequests() {
        return slow.get();
    }

    private boolean forwardTimed(HttpHead request, InputStream in, OutputStream out) throws IOException {
        HttpBodies.Framing framing = HttpBodies.ofRequest(request);
        try (Socket upstream = moto()) {
            OutputStream upOut = new BufferedOutputStream(upstream.getOutputStream());
            InputStream upIn = new BufferedInputStream(upstream.getInputStream());
            upOut.write(request.bytes());
            HttpBodies.copy(framing, request, in, upOut, null);
            upOut.flush();
            HttpHead response = answerOf(request, upIn);
            HttpBodies.Framing responseFraming = HttpBodies.ofResponse(response, request.startPart(0));
            out.write(response.bytes());
            HttpBodies.copy(responseFraming, response, upIn, out, null);
            out.flush();
            return responseFraming != HttpBodies.Framing.UNTIL_CLOSE && !response.hasToken("Connection", "close");
        }
    }

    /**
     * RegisterJobDefinition and DescribeJobDefinitions go to moto too, whole: the request and answer of a registration
     * are handed to {@link Definitions}, and a description's answer gets back the node properties moto left out.
     */
    private boolean forwardDefinitions(HttpHead request, InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        HttpBodies.copy(HttpBodies.ofRequest(request), request, in, raw, sent);
        try (Socket upstream = moto()) {
            OutputStream upOut = new BufferedOutputStream(upstream.getOutputStream());
            InputStream upIn = new BufferedInputStream(upstream.getInputStream());
            upOut.write(request.bytes());
            raw.writeTo(upOut);
            upOut.flush();
            HttpHead response = answerOf(request, upIn);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            HttpBodies.copy(HttpBodies.ofResponse(response, "POST"), response, upIn, null, answer);
            byte[] body = answer.toByteArray();
            if (response.startPart(1).equals("200")) {
                if (request.startPart(1).startsWith("/v1/registerjobdefinition")) {
                    definitions.registered(sent.toByteArray(), body);
                } else {
                    body = definitions.completeAnswer(body);
                }
            }
            out.write(response.without("Content-Length").without("Transfer-Encoding")
                    .with("Content-Length", Integer.toString(body.length)).bytes());
            out.write(body);
            out.flush();
            return !response.hasToken("Connection", "close");
        }
    }

    /** A new connection to moto: one per request, so no stale keep-alive connection can eat a request. */
    private Socket moto() throws IOException {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), motoPort), 5_000);
            upstream.setSoTimeout(UPSTREAM_TIMEOUT_MILLIS);
            return upstream;
        } catch (IOException e) {
            upstream.close();
            throw e;
        }
    }

    /** moto's answer's head, past any 100 Continue. */
    private static HttpHead answerOf(HttpHead request, InputStream upIn) throws IOException {
        HttpHead response = HttpHead.read(upIn);
        while (response != null && response.startPart(1).startsWith("1")) {
            response = HttpHead.read(upIn);
        }
        if (response == null) {
            throw new IOException("moto closed the connection without answering " + request.startLine());
        }
        return response;
    }

    private static void daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
