package dev.mpibatch.testkit.batch;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Every job the emulator knows, parents and node jobs, and the DescribeJobs and ListJobs answers about them. */
final class JobTable {
    /** "A list of up to 100 job IDs" (API reference, DescribeJobsRequest.jobs). */
    static final int DESCRIBE_MAX = 100;
    /** ListJobs pages: up to 1000 with a status, up to 100 with a filter (API reference, ListJobs maxResults). */
    static final int PAGE_MAX = 1000;
    static final int FILTER_PAGE_MAX = 100;

    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final Map<String, List<JobRecord>> nodesOf = new ConcurrentHashMap<>();
    private final Map<String, Integer> numNodes = new ConcurrentHashMap<>();

    void addParent(JobRecord parent, int nodes) {
        jobs.put(parent.jobId(), parent);
        numNodes.put(parent.jobId(), nodes);
        nodesOf.put(parent.jobId(), new ArrayList<>());
    }

    void addNode(String parentId, JobRecord node) {
        jobs.put(node.jobId(), node);
        synchronized (nodesOf.get(parentId)) {
            nodesOf.get(parentId).add(node);
        }
    }

    Optional<JobRecord> get(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    List<JobRecord> nodes(String parentId) {
        List<JobRecord> nodes = nodesOf.getOrDefault(parentId, List.of());
        synchronized (nodes) {
            return List.copyOf(nodes);
        }
    }

    /** DescribeJobs: the jobs it knows among {@code ids}, in the order asked; unknown ids are left out. */
    ObjectNode describe(JsonNode request) {
        JsonNode ids = request.path("jobs");
        if (!ids.isArray()) {
            throw BatchError.client("jobs is required: a list of up to " + DESCRIBE_MAX + " job IDs");
        }
        if (ids.size() > DESCRIBE_MAX) {
            throw BatchError.client("jobs has " + ids.size() + " IDs; DescribeJobs takes up to " + DESCRIBE_MAX);
        }
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode list = answer.putArray("jobs");
        ids.forEach(id -> get(id.asText()).ifPresent(job -> list.add(job.detail())));
        return answer;
    }

    /**
     * ListJobs: by job queue, or the nodes of a multi-node job; by status, RUNNING when none is given ("If you don't
     * specify a status, only RUNNING jobs are returned"), or by a filter, which ignores the status (API reference,
     * ListJobsRequest). Newest first (by node index for nodes), {@code maxResults} a page with an opaque nextToken.
     */
    ObjectNode list(JsonNode request) {
        String queue = request.path("jobQueue").asText(null);
        String multiNode = request.path("multiNodeJobId").asText(null);
        String array = request.path("arrayJobId").asText(null);
        int given = (queue == null ? 0 : 1) + (multiNode == null ? 0 : 1) + (array == null ? 0 : 1);
        if (given != 1) {
            throw BatchError.client("ListJobs needs exactly one of jobQueue, arrayJobId and multiNodeJobId");
        }
        if (array != null) {
            // This emulator runs no array jobs, so no job is the parent of an array.
            return page(List.of(), request, PAGE_MAX, 0);
        }
        JsonNode filters = request.path("filters");
        Predicate<JobRecord> filter = filters.isArray() && !filters.isEmpty() ? filter(filters) : null;
        Status status = filter != null && !isShareFilter(filters) ? null : status(request);
        List<JobRecord> found = new ArrayList<>();
        if (multiNode != null) {
            nodes(multiNode).stream().filter(n -> status == null || n.status() == status).forEach(found::add);
            found.sort(Comparator.comparing(n -> n.nodeIndex().orElse(0)));
        } else {
            jobs.values().stream()
                    .filter(j -> j.nodeIndex().isEmpty() && queueMatches(j, queue))
                    .filter(j -> status == null || j.status() == status)
                    .filter(j -> filter == null || filter.test(j))
                    .forEach(found::add);
            found.sort(Comparator.comparingLong(JobRecord::createdAt).reversed().thenComparing(JobRecord::jobId));
        }
        return page(found, request, filter != null ? FILTER_PAGE_MAX : PAGE_MAX,
                multiNode == null ? 0 : numNodes.getOrDefault(multiNode, 0));
    }

    private ObjectNode page(List<JobRecord> found, JsonNode request, int max, int nodesOfParent) {
        int size = max;
        if (request.has("maxResults")) {
            size = request.path("maxResults").asInt();
            if (size < 1) {
                throw BatchError.client("maxResults " + size + " must be at least 1");
            }
            size = Math.min(size, max);
        }
        int from = request.hasNonNull("nextToken") ? offset(request.path("nextToken").asText()) : 0;
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode list = answer.putArray("jobSummaryList");
        int to = Math.min(found.size(), from + size);
        for (JobRecord job : found.subList(Math.min(from, found.size()), to)) {
            list.add(job.summary(job.nodeIndex().isPresent() ? nodesOfParent : numNodes.getOrDefault(job.jobId(), 0)));
        }
        if (to < found.size()) {
            answer.put("nextToken", token(to));
        }
        return answer;
    }

    private static Status status(JsonNode request) {
        String text = request.path("jobStatus").asText("RUNNING");
        try {
            return Status.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw BatchError.client("jobStatus '" + text + "' is not one of SUBMITTED, PENDING, RUNNABLE, STARTING, "
                    + "RUNNING, SUCCEEDED, FAILED");
        }
    }

    private static boolean queueMatches(JobRecord job, String queue) {
        String arn = job.submittedText("jobQueue");
        return arn.equals(queue) || arn.endsWith(":job-queue/" + queue);
    }

    private static boolean isShareFilter(JsonNode filters) {
        return "SHARE_IDENTIFIER".equals(filters.get(0).path("name").asText());
    }

    /** One filter of ListJobs (the API takes one at a time) as a test on jobs. */
    private static Predicate<JobRecord> filter(JsonNode filters) {
        if (filters.size() > 1) {
            throw BatchError.client("filters has " + filters.size() + " entries; only one filter can be used at a time");
        }
        String name = filters.get(0).path("name").asText();
        JsonNode values = filters.get(0).path("values");
        String value = values.isArray() && !values.isEmpty() ? values.get(0).asText() : "";
        return switch (name) {
            case "JOB_NAME" -> j -> nameMatches(j.submittedText("jobName").toLowerCase(Locale.ROOT),
                    value.toLowerCase(Locale.ROOT));
            case "JOB_DEFINITION" -> j -> definitionMatches(j.submittedText("jobDefinition"), value);
            case "BEFORE_CREATED_AT" -> j -> j.createdAt() < Long.parseLong(value);
            case "AFTER_CREATED_AT" -> j -> j.createdAt() > Long.parseLong(value);
            case "SHARE_IDENTIFIER" -> j -> j.submittedText("shareIdentifier").equals(value);
            default -> throw BatchError.client("filter '" + name + "' is not one of JOB_NAME, JOB_DEFINITION, "
                    + "BEFORE_CREATED_AT, AFTER_CREATED_AT, SHARE_IDENTIFIER");
        };
    }

    private static boolean nameMatches(String name, String pattern) {
        return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern);
    }

    /** A definition ARN matches its own ARN, or its name (any revision), with a trailing '*' as a prefix match. */
    private static boolean definitionMatches(String arn, String pattern) {
        if (pattern.startsWith("arn:")) {
            return arn.equals(pattern);
        }
        String name = arn.substring(arn.lastIndexOf('/') + 1).replaceAll(":\\d+$", "");
        return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern);
    }

    private static String token(int offset) {
        return Base64.getUrlEncoder().encodeToString(("mpi-batch-emulator:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offset(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("mpi-batch-emulator:")) {
                return Integer.parseInt(text.substring("mpi-batch-emulator:".length()));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error
        }
        throw BatchError.client("nextToken '" + token + "' is not a token this service returned");
    }
}
