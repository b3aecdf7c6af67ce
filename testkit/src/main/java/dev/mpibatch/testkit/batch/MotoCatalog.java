package dev.mpibatch.testkit.batch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads job definitions, queues and compute environments from moto with Batch's own REST calls. moto does not check
 * signatures; the credential scope only tells it the region.
 */
final class MotoCatalog implements Catalog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String endpoint;
    private final String region;
    private final Definitions definitions;

    MotoCatalog(String endpoint, String region, Definitions definitions) {
        this.endpoint = endpoint;
        this.region = region;
        this.definitions = definitions;
    }

    @Override
    public Optional<JsonNode> definition(String reference) {
        ObjectNode request = JSON.createObjectNode();
        boolean byName = !reference.startsWith("arn:") && !reference.contains(":");
        if (byName) {
            request.put("jobDefinitionName", reference).put("status", "ACTIVE");
        } else {
            request.putArray("jobDefinitions").add(reference);
        }
        JsonNode best = null;
        for (JsonNode d : post("/v1/describejobdefinitions", request).path("jobDefinitions")) {
            if (best == null || d.path("revision").asInt() > best.path("revision").asInt()) {
                best = d;
            }
        }
        return Optional.ofNullable(best).map(definitions::complete);
    }

    @Override
    public Optional<JsonNode> queue(String reference) {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("jobQueues").add(reference);
        JsonNode queues = post("/v1/describejobqueues", request).path("jobQueues");
        return queues.isEmpty() ? Optional.empty() : Optional.of(queues.get(0));
    }

    @Override
    public Optional<JsonNode> computeEnvironment(String reference) {
        ObjectNode request = JSON.createObjectNode();
        request.putArray("computeEnvironments").add(reference);
        JsonNode found = post("/v1/describecomputeenvironments", request).path("computeEnvironments");
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private JsonNode post(String path, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=emulator/20240101/" + region
                        + "/batch/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw BatchError.server("moto answered " + path + " with HTTP " + response.statusCode() + ": "
                        + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw BatchError.server("cannot ask moto at " + endpoint + path + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BatchError.server("interrupted asking moto " + path);
        }
    }
}
