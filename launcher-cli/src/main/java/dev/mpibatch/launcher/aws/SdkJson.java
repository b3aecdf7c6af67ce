package dev.mpibatch.launcher.aws;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/** AWS SDK request and response objects as JSON with the service's own field names (for --dry-run and --output json). */
public final class SdkJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SdkJson() {
    }

    public static JsonNode toJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof SdkPojo pojo) {
            ObjectNode object = NODES.objectNode();
            for (SdkField<?> field : pojo.sdkFields()) {
                Object member = field.getValueOrDefault(pojo);
                if (member == null || member instanceof Collection<?> c && c.isEmpty() && isAutoList(member)
                        || member instanceof Map<?, ?> m && m.isEmpty() && isAutoList(member)) {
                    continue;
                }
                object.set(field.locationName(), toJson(member));
            }
            return object;
        }
        if (value instanceof Collection<?> collection) {
            ArrayNode array = NODES.arrayNode();
            collection.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            map.forEach((k, v) -> object.set(String.valueOf(k), toJson(v)));
            return object;
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        return MAPPER.valueToTree(value);
    }

    /** Pretty JSON text. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** The SDK marks collections that were never set; they are left out like absent fields. */
    private static boolean isAutoList(Object collection) {
        return collection instanceof software.amazon.awssdk.core.util.SdkAutoConstructList
                || collection instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap;
    }
}
