package dev.mpibatch.agent.control;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code mpi-batch-node} (docker/python/mpi_batch.py) and the main node's agent say on the control socket: one
 * line of UTF-8 JSON each way per step, then the connection ends.
 *
 * <pre>
 * client: {"protocol": 1, "host": "&lt;its hostname&gt;", "step": {"exec": {"program": "./hello"}}}
 * agent:  {"started": "2.1"}                      the step runs (omitted when it is refused)
 * agent:  {"exit": 0, "step": "2.1"}              its exit code; with "message" when refused or stopped
 * </pre>
 * The step is written as an item of a job file's {@code steps}. The client keeps its end open until the answer:
 * the connection's end (the client exited or was killed) stops the step.
 */
final class ControlProtocol {
    /** The version both sides speak; a request of another version is refused. */
    static final int VERSION = 1;
    /** The longest request line (bytes): steps are small, their arguments at most 64 KiB each. */
    static final int MAX_REQUEST = 1024 * 1024;
    private static final List<String> FIELDS = List.of("protocol", "host", "step");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ControlProtocol() {
    }

    /** A request as the client sent it; {@code step} is the step's JSON text, not yet parsed. */
    record Request(String host, String step) {
    }

    /**
     * Reads a request line.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Request request(byte[] line) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(line, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the request is not JSON: send it with mpi-batch-node or the mpi_batch "
                    + "Python module of this image");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the request must be a JSON object with protocol, host and step");
        }
        Iterator<String> names = root.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown request field '" + name + "': the fields are "
                        + String.join(", ", FIELDS));
            }
        }
        JsonNode protocol = root.get("protocol");
        if (protocol == null || !protocol.isInt() || protocol.intValue() != VERSION) {
            throw new IllegalArgumentException("the request speaks protocol " + (protocol == null ? "(none)" : protocol)
                    + " and this agent " + VERSION + ": use the mpi-batch-node and mpi_batch module that came with the "
                    + "agent (the node image's)");
        }
        JsonNode host = root.get("host");
        if (host == null || !host.isTextual()) {
            throw new IllegalArgumentException("the request has no host (the caller's hostname, as text)");
        }
        JsonNode step = root.get("step");
        if (step == null || step.isNull()) {
            throw new IllegalArgumentException("step is missing: give one step as in a job file, e.g. "
                    + "{\"exec\": {\"program\": \"./hello\"}}");
        }
        try {
            return new Request(host.textValue(), JSON.writeValueAsString(step));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the step back as JSON", e);
        }
    }

    /** The line that says the step runs, as {@code label}. */
    static byte[] started(String label) {
        ObjectNode node = JSON.createObjectNode();
        node.put("started", label);
        return line(node);
    }

    /** The last line: the exit code, the step's label (null when it never ran), a message (null when none). */
    static byte[] result(int exitCode, String label, String message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("exit", exitCode);
        if (label != null) {
            node.put("step", label);
        }
        if (message != null) {
            node.put("message", message);
        }
        return line(node);
    }

    private static byte[] line(ObjectNode node) {
        try {
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a control answer", e);
        }
    }
}
