package dev.mpibatch.launcher.aws;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/** Reads one node's CloudWatch Logs stream from where it last stopped. */
final class LogTail {
    /** A log event of a node. */
    record Line(int node, long timestamp, String message) {
    }

    private final CloudWatchLogsClient logs;
    private final String group;
    private final String stream;
    private final int node;
    private String token;

    LogTail(CloudWatchLogsClient logs, String group, String stream, int node) {
        this.logs = logs;
        this.group = group;
        this.stream = stream;
        this.node = node;
    }

    /** The events written since the last call (none when the stream does not exist yet). */
    List<Line> poll() {
        List<Line> lines = new ArrayList<>();
        try {
            while (true) {
                String current = token;
                GetLogEventsResponse page = logs.getLogEvents(b -> b.logGroupName(group).logStreamName(stream)
                        .startFromHead(true).nextToken(current));
                for (OutputLogEvent event : page.events()) {
                    lines.add(new Line(node, event.timestamp(), event.message()));
                }
                // The end of the stream is where the token comes back unchanged. An empty page is not the end:
                // "this operation can return empty results while there are more log events available through the
                // token" (CloudWatch Logs API reference, GetLogEvents).
                String next = page.nextForwardToken();
                boolean done = next == null || next.equals(current);
                token = next;
                if (done) {
                    return lines;
                }
            }
        } catch (ResourceNotFoundException e) {
            return lines;
        }
    }
}
