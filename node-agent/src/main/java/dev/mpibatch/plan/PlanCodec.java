package dev.mpibatch.plan;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The plan as the launcher hands it to the agent: JSON in the job file format, read back with {@link PlanParser},
 * so there is one format and one parser on both sides.
 */
public final class PlanCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlanCodec() {
    }

    /**
     * Writes {@code spec} as JSON; {@code PlanParser.parse(toJson(s), ..)} equals {@code s}. The plan says its
     * schema version, so an agent that cannot read it refuses it naming the versions it reads.
     */
    public static String toJson(JobSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", spec.schemaVersion());
        root.put("name", spec.name());
        root.put("nodes", spec.nodes());
        spec.slotsPerNode().ifPresent(slots -> root.put("slotsPerNode", slots));
        root.put("workingDir", spec.workingDir());
        strings(root.putArray("files"), spec.files());
        ObjectNode timeouts = root.putObject("timeouts");
        timeouts.put("formation", DurationText.format(spec.timeouts().formation()));
        timeouts.put("step", DurationText.format(spec.timeouts().step()));
        timeouts.put("mainLease", DurationText.format(spec.timeouts().mainLease()));
        root.put("mpi", spec.mpi().fileName());
        if (!spec.env().isEmpty()) {
            variables(root.putObject("env"), spec.env());
        }
        ArrayNode steps = root.putArray("steps");
        for (Step step : spec.steps()) {
            ObjectNode node = steps.addObject();
            if (step instanceof Step.Cc cc) {
                strings(node.putArray("cc"), cc.args());
            } else if (step instanceof Step.Broadcast broadcast) {
                strings(node.putArray("broadcast"), broadcast.paths());
            } else if (step instanceof Step.Sh sh) {
                node.put("sh", sh.command());
            } else if (step instanceof Step.Mpi mpi) {
                ObjectNode body = node.putObject(mpi.type());
                strings(body.putArray("args"), mpi.args());
                body.put("program", mpi.program());
                strings(body.putArray("programArgs"), mpi.programArgs());
            }
            if (!step.env().isEmpty()) {
                variables(node.putObject("env"), step.env());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the plan as JSON", e);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void variables(ObjectNode object, Map<String, String> values) {
        values.forEach(object::put);
    }
}
