package dev.mpibatch.testkit.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A multinode job definition merged with a SubmitJob's {@code nodeOverrides}, as Batch merges them: the node count,
 * then each node's container properties from the narrowest node range that holds it, then every override whose
 * {@code targetNodes} holds it, in order. The rules are the API reference's (NodeOverrides, NodeRangeProperty,
 * NodePropertyOverride, ContainerOverrides).
 *
 * @param numNodes       the job's node count
 * @param mainNode       the main node's index
 * @param containers     each node's container properties, by node index
 * @param nodeProperties the job's {@code nodeProperties} as DescribeJobs shows them (the count overridden)
 */
record JobMerge(int numNodes, int mainNode, List<ObjectNode> containers, ObjectNode nodeProperties) {
    /** "Environment variables cannot start with AWS_BATCH" (API reference, ContainerOverrides.environment). */
    static final String RESERVED_PREFIX = "AWS_BATCH";

    static JobMerge of(JsonNode definition, JsonNode submit) {
        JsonNode nodes = definition.path("nodeProperties");
        if (!"multinode".equals(definition.path("type").asText()) || nodes.isMissingNode()) {
            throw BatchError.client("job definition " + definition.path("jobDefinitionArn").asText()
                    + " is of type " + definition.path("type").asText() + ": this emulator runs multinode jobs only");
        }
        List<JsonNode> ranges = new ArrayList<>();
        nodes.path("nodeRangeProperties").forEach(ranges::add);
        int mainNode = nodes.path("mainNode").asInt();
        JsonNode overrides = submit.path("nodeOverrides");
        int numNodes = numNodes(nodes.path("numNodes").asInt(), mainNode, ranges, overrides);

        List<ObjectNode> containers = new ArrayList<>();
        for (int node = 0; node < numNodes; node++) {
            containers.add(rangeOf(node, numNodes, ranges).path("container").deepCopy());
        }
        for (JsonNode override : overrides.path("nodePropertyOverrides")) {
            NodeRange range = NodeRange.parse(override.path("targetNodes").asText(null));
            for (int node = range.from(); node <= Math.min(range.last(numNodes), numNodes - 1); node++) {
                apply(containers.get(node), override.path("containerOverrides"));
            }
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        definition.path("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        submit.path("parameters").fields().forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
        containers.forEach(c -> substitute(c, parameters));
        ObjectNode shown = nodes.deepCopy();
        shown.put("numNodes", numNodes);
        return new JobMerge(numNodes, mainNode, List.copyOf(containers), shown);
    }

    /**
     * The definition's count, or the override's where allowed: "There must be at least one node range in your job
     * definition that has an open upper boundary ... The lower boundary of the node range ... must be fewer than the
     * number of nodes specified in the override. The main node index ... must be fewer than the number of nodes"
     * (API reference, NodeOverrides.numNodes).
     */
    private static int numNodes(int defined, int mainNode, List<JsonNode> ranges, JsonNode overrides) {
        if (!overrides.has("numNodes")) {
            return defined;
        }
        int wanted = overrides.path("numNodes").asInt();
        if (wanted < 1) {
            throw BatchError.client("nodeOverrides.numNodes " + wanted + " must be at least 1");
        }
        boolean open = false;
        for (JsonNode range : ranges) {
            NodeRange r = NodeRange.parse(range.path("targetNodes").asText(null));
            if (r.openEnded()) {
                open = true;
                if (r.from() >= wanted) {
                    throw BatchError.client("nodeOverrides.numNodes " + wanted + ": the open-ended node range '"
                            + range.path("targetNodes").asText() + "' must start below the overridden node count");
                }
            }
        }
        if (!open) {
            throw BatchError.client("nodeOverrides.numNodes can be used only when the job definition has a node range "
                    + "with an open upper boundary (such as '0:'), and none of its ranges has one");
        }
        if (mainNode >= wanted) {
            throw BatchError.client("nodeOverrides.numNodes " + wanted + " must be greater than the main node's index "
                    + mainNode);
        }
        return wanted;
    }

    /** The narrowest range that holds {@code node}; "the 4:5 range properties override the 0:10 properties". */
    private static JsonNode rangeOf(int node, int numNodes, List<JsonNode> ranges) {
        JsonNode best = null;
        int bestSpan = Integer.MAX_VALUE;
        for (JsonNode range : ranges) {
            NodeRange r = NodeRange.parse(range.path("targetNodes").asText(null));
            if (r.contains(node, numNodes) && r.span(numNodes) <= bestSpan) {
                best = range;
                bestSpan = r.span(numNodes);
            }
        }
        if (best == null) {
            throw BatchError.client("node " + node + " of " + numNodes + " is in no node range of the job definition: "
                    + "its ranges must account for all nodes (0:" + (numNodes - 1) + ")");
        }
        return best;
    }

    /** A node's container properties with one override applied. */
    static void apply(ObjectNode container, JsonNode overrides) {
        if (overrides.has("environment")) {
            Map<String, String> env = environment(container);
            for (JsonNode pair : overrides.path("environment")) {
                String name = pair.path("name").asText();
                if (name.startsWith(RESERVED_PREFIX)) {
                    throw BatchError.client("environment variable " + name + ": names starting with "
                            + RESERVED_PREFIX + " are reserved for variables that Batch sets");
                }
                env.put(name, pair.path("value").asText());
            }
            ArrayNode merged = container.putArray("environment");
            env.forEach((k, v) -> merged.addObject().put("name", k).put("value", v));
        }
        if (overrides.has("command")) {
            container.set("command", overrides.path("command").deepCopy());
        }
        if (overrides.has("instanceType")) {
            container.put("instanceType", overrides.path("instanceType").asText());
        }
        if (overrides.has("resourceRequirements")) {
            Map<String, JsonNode> byType = new LinkedHashMap<>();
            container.path("resourceRequirements").forEach(r -> byType.put(r.path("type").asText(), r));
            overrides.path("resourceRequirements").forEach(r -> byType.put(r.path("type").asText(), r));
            ArrayNode merged = container.putArray("resourceRequirements");
            byType.values().forEach(merged::add);
        }
    }

    /** The container's environment, in order, by name. */
    static Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        container.path("environment").forEach(p -> env.put(p.path("name").asText(), p.path("value").asText()));
        return env;
    }

    /** {@code Ref::name} in the command is replaced by the parameter's value (API reference, parameters). */
    private static void substitute(ObjectNode container, Map<String, String> parameters) {
        if (!container.has("command") || parameters.isEmpty()) {
            return;
        }
        ArrayNode command = JsonNodeFactory.instance.arrayNode();
        for (Iterator<JsonNode> it = container.path("command").elements(); it.hasNext(); ) {
            String word = it.next().asText();
            for (Map.Entry<String, String> p : parameters.entrySet()) {
                word = word.replace("Ref::" + p.getKey(), p.getValue());
            }
            command.add(word);
        }
        container.set("command", command);
    }
}
