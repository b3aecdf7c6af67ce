package dev.mpibatch.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP endpoint that answers Batch (REST-JSON, by path) and CloudWatch Logs (JSON, by X-Amz-Target)
 * requests from a script of canned bodies, and records every request with the region its SigV4 signature names.
 * For CLI behaviour that needs an answer moto cannot give (a job that stays RUNNING, an unknown job, a region).
 */
final class FakeAws implements AutoCloseable {
    private static final Pattern SIGNED_REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/");

    /** One request: the operation (Batch path or Logs target) and the region it was signed for. */
    record Request(String operation, String region, String body) {
    }

    private final HttpServer server;
    private final Map<String, String> answers = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();

    private FakeAws(HttpServer server) {
        this.server = server;
    }

    static FakeAws start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        FakeAws aws = new FakeAws(server);
        server.createContext("/", aws::answer);
        server.start();
        return aws;
    }

    /** Answers {@code operation} ({@code /v1/describejobs}, {@code Logs_20140328.DescribeLogGroups}) with {@code json}. */
    synchronized FakeAws answer(String operation, String json) {
        answers.put(operation, json);
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** A multi-node job of {@code nodes} nodes in {@code status}, as DescribeJobs answers it. */
    static String job(String id, String status, int nodes, String extra) {
        return "{\"jobs\":[{\"jobId\":\"" + id + "\",\"jobName\":\"c-hello\",\"jobQueue\":\"arn:aws:batch:us-east-1:"
                + "000000000000:job-queue/q\",\"status\":\"" + status + "\",\"createdAt\":1700000000000,"
                + "\"jobDefinition\":\"d\",\"nodeProperties\":{\"numNodes\":" + nodes + ",\"mainNode\":0}"
                + extra + "}]}";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target != null ? target : exchange.getRequestURI().getPath();
        String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        Matcher region = SIGNED_REGION.matcher(authorization);
        String json;
        synchronized (this) {
            requests.add(new Request(operation, region.find() ? region.group(1) : null, body));
            // DescribeJobs of the node jobs (id#N) is answered apart: none, unless scripted.
            json = operation.equals("/v1/describejobs") && body.contains("#")
                    ? answers.getOrDefault("/v1/describejobs#nodes", "{\"jobs\":[]}") : answers.get(operation);
        }
        if (json == null) {
            byte[] error = "{\"__type\":\"ClientException\",\"message\":\"not scripted\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, error.length);
            exchange.getResponseBody().write(error);
        } else {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", target != null ? "application/x-amz-json-1.1"
                    : "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
