package dev.mpibatch.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server that answers the Batch and S3 requests of one {@code submit} with canned successes.
 * Used only by {@link CdsTrainingCommand}: a submit against it loads every class a real submit loads (parsing,
 * the SDK's marshalling, signing, HTTP client, unmarshalling) without an AWS account or network.
 */
final class CannedAws implements AutoCloseable {
    private static final String ARN = "arn:aws:batch:us-east-1:000000000000:";
    private final HttpServer server;
    private final List<String> requests = new ArrayList<>();

    private CannedAws(HttpServer server) {
        this.server = server;
    }

    static CannedAws start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        CannedAws aws = new CannedAws(server);
        server.createContext("/", aws::answer);
        server.start();
        return aws;
    }

    /** The requests answered so far, as {@code METHOD path}. */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        synchronized (this) {
            requests.add(exchange.getRequestMethod() + " " + path);
        }
        String json = switch (path) {
            case "/v1/describejobqueues" -> "{\"jobQueues\":[{\"jobQueueName\":\"training\",\"jobQueueArn\":\"" + ARN
                    + "job-queue/training\",\"state\":\"ENABLED\",\"status\":\"VALID\",\"priority\":1,"
                    + "\"computeEnvironmentOrder\":[{\"order\":1,\"computeEnvironment\":\"" + ARN
                    + "compute-environment/training\"}]}]}";
            case "/v1/describecomputeenvironments" -> "{\"computeEnvironments\":[{\"computeEnvironmentName\":"
                    + "\"training\",\"computeEnvironmentArn\":\"" + ARN + "compute-environment/training\","
                    + "\"state\":\"ENABLED\",\"status\":\"VALID\",\"type\":\"UNMANAGED\"}]}";
            case "/v1/describejobdefinitions" -> "{\"jobDefinitions\":[]}";
            case "/v1/registerjobdefinition" -> "{\"jobDefinitionName\":\"training\",\"jobDefinitionArn\":\"" + ARN
                    + "job-definition/training:1\",\"revision\":1}";
            case "/v1/submitjob" -> "{\"jobName\":\"training\",\"jobId\":\"training\",\"jobArn\":\"" + ARN + "job/training\"}";
            default -> null;
        };
        if (json == null) {
            // S3: PutObject (and DeleteObjects should anything fail) succeed with an empty body.
            exchange.sendResponseHeaders(200, -1);
        } else {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }
}
