package dev.mpibatch.testkit.batch;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What moto forgets of multinode job definitions: it registers them but leaves {@code nodeProperties} out of
 * DescribeJobDefinitions (moto 5.2). The front server hands every RegisterJobDefinition request and moto's answer
 * here, and this puts the node properties back where a definition is described: to the emulator's job runs and in
 * DescribeJobDefinitions answers.
 */
final class Definitions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, JsonNode> nodeProperties = new ConcurrentHashMap<>();

    /** Keeps the node properties of a registered definition, by the ARN moto gave it. */
    void registered(byte[] request, byte[] answer) {
        try {
            JsonNode sent = JSON.readTree(request);
            String arn = JSON.readTree(answer).path("jobDefinitionArn").asText("");
            if (!arn.isEmpty() && sent.has("nodeProperties")) {
                nodeProperties.put(arn, sent.get("nodeProperties"));
            }
        } catch (java.io.IOException e) {
            // not JSON: moto refused it, nothing was registered
        }
    }

    /** The definition with its node properties, when moto left them out. */
    JsonNode complete(JsonNode definition) {
        JsonNode nodes = nodeProperties.get(definition.path("jobDefinitionArn").asText());
        if (nodes == null || definition.has("nodeProperties") || !(definition instanceof ObjectNode object)) {
            return definition;
        }
        ObjectNode copy = object.deepCopy();
        copy.set("nodeProperties", nodes.deepCopy());
        return copy;
    }

    /** A DescribeJobDefinitions answer with every definition completed; the answer unchanged if it is not JSON. */
    byte[] completeAnswer(byte[] answer) {
        try {
            JsonNode body = JSON.readTree(answer);
            if (!(body.path("jobDefinitions").isArray())) {
                return answer;
            }
            ObjectNode copy = ((ObjectNode) body).deepCopy();
            var list = copy.putArray("jobDefinitions");
            body.path("jobDefinitions").forEach(d -> list.add(complete(d)));
            return JSON.writeValueAsBytes(copy);
        } catch (java.io.IOException | ClassCastException e) {
            return answer;
        }
    }

    Optional<JsonNode> nodeProperties(String arn) {
        return Optional.ofNullable(nodeProperties.get(arn));
    }
}
