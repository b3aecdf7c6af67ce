package dev.mpibatch.testkit.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The container credentials endpoint of ECS, which Batch's containers get their job role's credentials from: a
 * container whose definition has a {@code jobRoleArn} is given AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, and a GET of
 * {@code http://169.254.170.2<uri>} answers the role's temporary credentials (AccessKeyId, SecretAccessKey, Token,
 * Expiration, RoleArn), here from moto's STS AssumeRole. Keys never go into a container's environment.
 */
final class CredentialsEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkLocalAddress address;
    private final HttpServer server;
    private final StsClient sts;
    private final Map<String, String> roles = new ConcurrentHashMap<>();

    private CredentialsEndpoint(LinkLocalAddress address, HttpServer server, StsClient sts) {
        this.address = address;
        this.server = server;
        this.sts = sts;
    }

    /** Puts 169.254.170.2 on this machine and serves credentials on its port 80. */
    static CredentialsEndpoint start(StsClient sts) throws IOException {
        LinkLocalAddress address = LinkLocalAddress.create();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(LinkLocalAddress.ADDRESS, 80), 64);
            CredentialsEndpoint endpoint = new CredentialsEndpoint(address, server, sts);
            server.createContext("/", endpoint::answer);
            server.start();
            return endpoint;
        } catch (IOException | RuntimeException e) {
            address.close();
            throw e;
        }
    }

    /** A relative URI that answers {@code roleArn}'s credentials, for one container. */
    String register(String roleArn) {
        String uri = "/v2/credentials/" + UUID.randomUUID();
        roles.put(uri, roleArn);
        return uri;
    }

    void unregister(String uri) {
        roles.remove(uri);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try {
            String role = roles.get(exchange.getRequestURI().getPath());
            if (role == null || !"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 404, "{\"code\":\"NotFound\",\"message\":\"no credentials at this URI\"}");
                return;
            }
            Credentials credentials = sts.assumeRole(b -> b.roleArn(role).roleSessionName("batch-node")
                    .durationSeconds(3600)).credentials();
            ObjectNode body = JSON.createObjectNode().put("RoleArn", role)
                    .put("AccessKeyId", credentials.accessKeyId())
                    .put("SecretAccessKey", credentials.secretAccessKey())
                    .put("Token", credentials.sessionToken())
                    .put("Expiration", credentials.expiration().toString());
            send(exchange, 200, body.toString());
        } catch (RuntimeException e) {
            send(exchange, 500, "{\"code\":\"InternalError\",\"message\":\"cannot assume the job role\"}");
        } finally {
            exchange.close();
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        sts.close();
        address.close();
    }
}
