package dev.mpibatch.testkit.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Batch's job operations, answered as AWS answers them (shapes from botocore's model, behaviour from the API
 * reference): SubmitJob, DescribeJobs, ListJobs, TerminateJob, CancelJob. Every other Batch operation (queues,
 * compute environments, job definitions) is moto's; {@link Catalog} reads what moto holds.
 */
final class BatchApi {
    /** The REST paths of the job operations (botocore: POST /v1/submitjob ...). */
    static final Set<String> PATHS = Set.of("/v1/submitjob", "/v1/describejobs", "/v1/listjobs", "/v1/terminatejob",
            "/v1/canceljob");
    /** "It can contain uppercase and lowercase letters, numbers, hyphens (-), and underscores (_)" (SubmitJob jobName). */
    private static final String JOB_NAME = "[A-Za-z0-9][A-Za-z0-9_-]{0,127}";

    private final Catalog catalog;
    private final JobTable table = new JobTable();
    private final NodeRuntime runtime;
    private final Pacing pacing;
    private final String region;
    private final String account;
    private final Map<String, JobRun> runs = new ConcurrentHashMap<>();
    private final AtomicLong jobNumbers = new AtomicLong();

    BatchApi(Catalog catalog, NodeRuntime runtime, Pacing pacing, String region, String account) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.pacing = pacing;
        this.region = region;
        this.account = account;
    }

    /** Answers {@code path} (one of {@link #PATHS}) with {@code body}; throws {@link BatchError}. */
    ObjectNode handle(String path, JsonNode body) {
        return switch (path) {
            case "/v1/submitjob" -> submit(body);
            case "/v1/describejobs" -> table.describe(body);
            case "/v1/listjobs" -> table.list(body);
            case "/v1/terminatejob" -> stop(body, false);
            case "/v1/canceljob" -> stop(body, true);
            default -> throw BatchError.client("unknown operation " + path);
        };
    }

    JobTable table() {
        return table;
    }

    /** The run of a job, for waiting on it. */
    JobRun run(String jobId) {
        return runs.get(jobId);
    }

    /** Every job's id, in the order submitted. */
    List<String> jobIds() {
        return runs.keySet().stream().sorted(Comparator.comparingLong(id -> table.get(id).orElseThrow().createdAt()))
                .toList();
    }

    private ObjectNode submit(JsonNode body) {
        String name = required(body, "jobName");
        String queueRef = required(body, "jobQueue");
        String definitionRef = required(body, "jobDefinition");
        if (!name.matches(JOB_NAME)) {
            throw BatchError.client("jobName '" + name + "': up to 128 letters, numbers, hyphens and underscores, "
                    + "starting with a letter or number");
        }
        if (body.has("tags") && body.path("tags").isEmpty()) {
            // TagrisTagsMap has a minimum of one entry (botocore's model); AWS refuses an empty map.
            throw BatchError.client("1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1");
        }
        JsonNode queue = catalog.queue(queueRef)
                .orElseThrow(() -> BatchError.client("job queue " + queueRef + " does not exist"));
        if (!"ENABLED".equals(queue.path("state").asText())) {
            // "If the job queue state is DISABLED, new jobs can't be added to the queue" (user guide, job queues).
            throw BatchError.client("job queue " + queueRef + " is " + queue.path("state").asText()
                    + ": new jobs can't be added to it");
        }
        JsonNode definition = catalog.definition(definitionRef)
                .filter(d -> "ACTIVE".equals(d.path("status").asText()))
                .orElseThrow(() -> BatchError.client("job definition " + definitionRef + " does not exist or is not "
                        + "ACTIVE"));
        JobMerge merge = JobMerge.of(definition, body);
        Retries retries = Retries.of(body, definition);
        JsonNode timeout = body.has("timeout") ? body.path("timeout") : definition.path("timeout");
        OptionalLong seconds = timeout.has("attemptDurationSeconds")
                ? OptionalLong.of(timeout.path("attemptDurationSeconds").asLong()) : OptionalLong.empty();

        String jobId = UUID.randomUUID().toString();
        String jobArn = "arn:aws:batch:" + region + ":" + account + ":job/" + jobId;
        ObjectNode submitted = JsonNodeFactory.instance.objectNode();
        submitted.put("jobArn", jobArn).put("jobName", name).put("jobQueue", queue.path("jobQueueArn").asText())
                .put("jobDefinition", definition.path("jobDefinitionArn").asText());
        for (String member : List.of("shareIdentifier", "schedulingPriorityOverride", "parameters", "tags",
                "propagateTags")) {
            if (body.has(member)) {
                submitted.set(member.equals("schedulingPriorityOverride") ? "schedulingPriority" : member,
                        body.get(member).deepCopy());
            }
        }
        submitted.putObject("retryStrategy").put("attempts", retries.attempts());
        if (!retries.evaluateOnExit().isMissingNode()) {
            ((ObjectNode) submitted.get("retryStrategy")).set("evaluateOnExit", retries.evaluateOnExit().deepCopy());
        }
        seconds.ifPresent(s -> submitted.putObject("timeout").put("attemptDurationSeconds", s));
        ObjectNode nodeShared = submitted.deepCopy();
        submitted.set("nodeProperties", merge.nodeProperties());
        submitted.putArray("platformCapabilities").add("EC2");

        long now = pacing.now();
        JobRecord parent = new JobRecord(jobId, submitted, null, false, now);
        table.addParent(parent, merge.numNodes());
        List<JobRecord> nodes = new ArrayList<>();
        for (int i = 0; i < merge.numNodes(); i++) {
            ObjectNode node = nodeShared.deepCopy().put("jobArn", jobArn + "#" + i);
            JobRecord record = new JobRecord(jobId + "#" + i, node, i, i == merge.mainNode(), now);
            record.container(merge.containers().get(i));
            table.addNode(jobId, record);
            nodes.add(record);
        }
        JobRun.Context context = new JobRun.Context(definition.path("jobDefinitionName").asText(),
                queue.path("jobQueueName").asText(), computeEnvironmentName(queue), retries, seconds);
        JobRun run = new JobRun(parent, nodes, merge, context, runtime, pacing, jobNumbers.incrementAndGet());
        runs.put(jobId, run);
        run.start();
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        return answer.put("jobArn", jobArn).put("jobName", name).put("jobId", jobId);
    }

    /** The name of the queue's first compute environment (AWS_BATCH_CE_NAME). */
    private String computeEnvironmentName(JsonNode queue) {
        List<JsonNode> order = new ArrayList<>();
        queue.path("computeEnvironmentOrder").forEach(order::add);
        order.sort(Comparator.comparingInt(o -> o.path("order").asInt()));
        if (order.isEmpty()) {
            throw BatchError.client("job queue " + queue.path("jobQueueName").asText() + " has no compute environment");
        }
        String reference = order.get(0).path("computeEnvironment").asText();
        return catalog.computeEnvironment(reference).map(ce -> ce.path("computeEnvironmentName").asText())
                .orElse(reference.substring(reference.lastIndexOf('/') + 1));
    }

    private ObjectNode stop(JsonNode body, boolean byCancel) {
        String jobId = required(body, "jobId");
        String reason = required(body, "reason");
        if (jobId.contains("#")) {
            throw BatchError.client("job " + jobId + " is a node of a multi-node job: "
                    + (byCancel ? "cancel" : "terminate") + " the job " + jobId.substring(0, jobId.indexOf('#')));
        }
        JobRun run = runs.get(jobId);
        if (run == null) {
            throw BatchError.client("job " + jobId + " does not exist");
        }
        run.stop(reason, byCancel);
        return JsonNodeFactory.instance.objectNode();
    }

    private static String required(JsonNode body, String member) {
        String value = body.path(member).asText(null);
        if (value == null || value.isEmpty()) {
            throw BatchError.client(member + " is required");
        }
        return value;
    }

    /** Terminates every job that has not ended and waits (up to {@code millis} each) for it to end. */
    void stopAll(long millis) throws InterruptedException {
        for (JobRun run : runs.values()) {
            run.stop("the Batch emulator was closed", false);
        }
        for (JobRun run : runs.values()) {
            run.awaitEnd(millis);
        }
    }
}
