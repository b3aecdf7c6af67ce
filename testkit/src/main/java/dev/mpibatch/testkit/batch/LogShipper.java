package dev.mpibatch.testkit.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Ships one container's output to CloudWatch Logs as the awslogs driver does for Batch: one event per line (a
 * line longer than 16 KiB in pieces, as Docker splits them), in the group {@code /aws/batch/job} and the stream
 * {@code <definition name>/default/<task id>} unless the container's logConfiguration names others ("The log group
 * for Batch jobs is /aws/batch/job", API reference ContainerDetail.logStreamName; stream names
 * {@code prefix-name/container-name/ecs-task-id}, with Batch's container named {@code default}).
 */
final class LogShipper {
    static final String DEFAULT_GROUP = "/aws/batch/job";
    /** Docker's log drivers take lines in pieces of at most 16 KiB. */
    static final int MAX_LINE = 16 * 1024;
    private static final int BATCH = 500;

    private final CloudWatchLogsClient logs;
    private final String group;
    private final String stream;
    private final List<InputLogEvent> pending = new ArrayList<>();

    private LogShipper(CloudWatchLogsClient logs, String group, String stream) {
        this.logs = logs;
        this.group = group;
        this.stream = stream;
    }

    /**
     * Where a container's log goes: {@code [group, stream]}, or empty when its log driver is not awslogs.
     *
     * @param container the node's container properties (logConfiguration)
     */
    static Optional<String[]> destination(JsonNode container, String definitionName, String taskId) {
        JsonNode config = container.path("logConfiguration");
        if (config.isMissingNode()) {
            return Optional.of(new String[] {DEFAULT_GROUP, definitionName + "/default/" + taskId});
        }
        if (!"awslogs".equals(config.path("logDriver").asText())) {
            return Optional.empty();
        }
        JsonNode options = config.path("options");
        String group = options.path("awslogs-group").asText(DEFAULT_GROUP);
        String prefix = options.path("awslogs-stream-prefix").asText(definitionName);
        return Optional.of(new String[] {group, prefix + "/default/" + taskId});
    }

    /**
     * Opens the stream; the default group is made when missing (Batch makes it), another group must exist unless
     * {@code awslogs-create-group} is true, or the container cannot start (as with the awslogs driver).
     */
    static LogShipper open(CloudWatchLogsClient logs, JsonNode container, String group, String stream) {
        boolean create = DEFAULT_GROUP.equals(group)
                || "true".equals(container.path("logConfiguration").path("options").path("awslogs-create-group").asText());
        if (create) {
            try {
                logs.createLogGroup(b -> b.logGroupName(group));
            } catch (ResourceAlreadyExistsException e) {
                // there already
            }
        }
        try {
            logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
        } catch (ResourceNotFoundException e) {
            throw new NodeRuntime.NodeStartException("CannotStartContainerError: failed to initialize logging driver: "
                    + "The specified log group does not exist: " + group);
        }
        return new LogShipper(logs, group, stream);
    }

    String stream() {
        return stream;
    }

    /** Takes one line the container wrote at {@code millis}; an empty line is no event (CloudWatch takes none). */
    synchronized void line(String line, long millis) {
        for (int at = 0; at < line.length(); at += MAX_LINE) {
            String piece = line.substring(at, Math.min(line.length(), at + MAX_LINE));
            pending.add(InputLogEvent.builder().timestamp(millis).message(piece).build());
        }
        if (pending.size() >= BATCH) {
            flush();
        }
    }

    /** Sends what it holds (PutLogEvents takes events in time order). */
    synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<InputLogEvent> events = new ArrayList<>(pending);
        pending.clear();
        events.sort(java.util.Comparator.comparingLong(InputLogEvent::timestamp));
        logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
    }
}
