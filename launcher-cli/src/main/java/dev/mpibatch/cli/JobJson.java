package dev.mpibatch.cli;

import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import dev.mpibatch.launcher.aws.NodeJobs;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.NetworkInterface;

/**
 * The CLI's JSON documents ({@code --output json}): mpi-batch's own shape, not the SDK's objects. Every field is
 * present in every document (null when Batch does not say), times are ISO-8601 UTC, and every document carries
 * {@code schemaVersion}: fields may be added, none renamed or removed within a version.
 */
final class JobJson {
    static final int SCHEMA_VERSION = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JobJson() {
    }

    /** A new document with its schema version. */
    static ObjectNode document() {
        ObjectNode json = NODES.objectNode();
        json.put("schemaVersion", SCHEMA_VERSION);
        return json;
    }

    /** A job with its nodes ({@code status}, {@code wait}, {@code submit --wait}). */
    static ObjectNode job(JobStatus status) {
        JobDetail job = status.job();
        ObjectNode json = document();
        json.put("jobId", job.jobId());
        json.put("name", job.jobName());
        json.put("status", job.statusAsString());
        json.put("statusReason", job.statusReason());
        json.put("queue", job.jobQueue());
        json.put("createdAt", time(job.createdAt()));
        json.put("startedAt", time(job.startedAt()));
        json.put("stoppedAt", time(job.stoppedAt()));
        putExit(json, BatchJobHandle.exitCode(job));
        json.put("numNodes", Math.max(1, NodeJobs.numNodes(job)));
        if (job.nodeProperties() != null && job.nodeProperties().mainNode() != null) {
            json.put("mainNode", job.nodeProperties().mainNode());
        } else {
            json.put("mainNode", 0);
        }
        ArrayNode nodes = json.putArray("nodes");
        status.nodes().forEach(node -> nodes.add(node(node)));
        return json;
    }

    /** One node of a job. */
    static ObjectNode node(JobDetail node) {
        ObjectNode json = NODES.objectNode();
        json.put("index", BatchJobHandle.nodeIndex(node.jobId()));
        json.put("jobId", node.jobId());
        json.put("status", node.statusAsString());
        json.put("statusReason", node.statusReason());
        putExit(json, BatchJobHandle.exitCode(node));
        json.put("startedAt", time(node.startedAt()));
        json.put("stoppedAt", time(node.stoppedAt()));
        json.put("address", address(node));
        json.put("logStream", BatchJobHandle.logStream(node));
        return json;
    }

    /** The jobs of a queue ({@code list}). */
    static ObjectNode jobs(String queue, List<JobSummary> summaries) {
        ObjectNode json = document();
        json.put("queue", queue);
        ArrayNode jobs = json.putArray("jobs");
        for (JobSummary summary : summaries) {
            ObjectNode job = jobs.addObject();
            job.put("jobId", summary.jobId());
            job.put("name", summary.jobName());
            job.put("status", summary.statusAsString());
            job.put("statusReason", summary.statusReason());
            job.put("createdAt", time(summary.createdAt()));
            job.put("startedAt", time(summary.startedAt()));
            job.put("stoppedAt", time(summary.stoppedAt()));
            if (summary.container() != null && summary.container().exitCode() != null) {
                job.put("exitCode", summary.container().exitCode());
            } else {
                job.putNull("exitCode");
            }
            if (summary.nodeProperties() != null && summary.nodeProperties().numNodes() != null) {
                job.put("numNodes", summary.nodeProperties().numNodes());
            } else {
                job.putNull("numNodes");
            }
        }
        return json;
    }

    /** ISO-8601 UTC for Batch's epoch milliseconds; null for none. */
    static String time(Long epochMillis) {
        return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    static String write(ObjectNode json) {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** One line of JSON (for streams of records, such as {@code logs --output json}). */
    static String writeLine(ObjectNode json) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    private static void putExit(ObjectNode json, OptionalInt exit) {
        if (exit.isPresent()) {
            json.put("exitCode", exit.getAsInt());
        } else {
            json.putNull("exitCode");
        }
    }

    private static String address(JobDetail node) {
        if (node.container() == null) {
            return null;
        }
        List<NetworkInterface> interfaces = node.container().networkInterfaces();
        return interfaces.isEmpty() ? null : interfaces.get(0).privateIpv4Address();
    }
}
