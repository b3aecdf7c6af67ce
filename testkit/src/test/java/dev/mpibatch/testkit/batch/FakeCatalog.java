package dev.mpibatch.testkit.batch;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Batch resources as moto would describe them, held in maps. */
final class FakeCatalog implements Catalog {
    static final ObjectMapper JSON = new ObjectMapper();
    final Map<String, JsonNode> definitions = new ConcurrentHashMap<>();
    final Map<String, JsonNode> queues = new ConcurrentHashMap<>();

    FakeCatalog() {
        queue("q", "ENABLED");
        definition("mpi", "0:", 3, "{\"name\":\"FROM_DEFINITION\",\"value\":\"d\"}");
    }

    void queue(String name, String state) {
        queues.put(name, json("{\"jobQueueName\":\"" + name + "\",\"jobQueueArn\":\"arn:aws:batch:us-east-1:123456789012:"
                + "job-queue/" + name + "\",\"state\":\"" + state + "\",\"computeEnvironmentOrder\":[{\"order\":1,"
                + "\"computeEnvironment\":\"arn:aws:batch:us-east-1:123456789012:compute-environment/ce-1\"}]}"));
    }

    /** A multinode definition of one range {@code range} with one environment entry. */
    void definition(String name, String range, int numNodes, String env) {
        definitions.put(name, json("{\"jobDefinitionName\":\"" + name + "\",\"jobDefinitionArn\":\"arn:aws:batch:"
                + "us-east-1:123456789012:job-definition/" + name + ":1\",\"revision\":1,\"status\":\"ACTIVE\","
                + "\"type\":\"multinode\",\"nodeProperties\":{\"numNodes\":" + numNodes + ",\"mainNode\":0,"
                + "\"nodeRangeProperties\":[{\"targetNodes\":\"" + range + "\",\"container\":{\"image\":\"img:1\","
                + "\"environment\":[" + env + "]}}]}}"));
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Override
    public Optional<JsonNode> definition(String reference) {
        return Optional.ofNullable(definitions.get(reference));
    }

    @Override
    public Optional<JsonNode> queue(String reference) {
        return Optional.ofNullable(queues.get(reference));
    }

    @Override
    public Optional<JsonNode> computeEnvironment(String reference) {
        return Optional.of(json("{\"computeEnvironmentName\":\"ce-1\"}"));
    }
}
