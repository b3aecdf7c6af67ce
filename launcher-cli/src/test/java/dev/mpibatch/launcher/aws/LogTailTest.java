package dev.mpibatch.launcher.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

class LogTailTest {
    /** Pages as CloudWatch Logs may give them: empty pages before the end, the same token back at the end. */
    private static CloudWatchLogsClient pages(List<String> tokensSeen) {
        return (CloudWatchLogsClient) Proxy.newProxyInstance(CloudWatchLogsClient.class.getClassLoader(),
                new Class<?>[] {CloudWatchLogsClient.class}, (proxy, method, args) -> {
                    @SuppressWarnings("unchecked")
                    Consumer<GetLogEventsRequest.Builder> consumer = (Consumer<GetLogEventsRequest.Builder>) args[0];
                    GetLogEventsRequest.Builder builder = GetLogEventsRequest.builder();
                    consumer.accept(builder);
                    String token = builder.build().nextToken();
                    tokensSeen.add(String.valueOf(token));
                    return switch (String.valueOf(token)) {
                        case "null" -> page("f/1", "one", "two");
                        case "f/1" -> page("f/2");
                        case "f/2" -> page("f/3", "three");
                        case "f/3" -> page("f/3");
                        default -> throw new AssertionError("unexpected token " + token);
                    };
                });
    }

    private static GetLogEventsResponse page(String next, String... messages) {
        List<OutputLogEvent> events = new ArrayList<>();
        for (String message : messages) {
            events.add(OutputLogEvent.builder().timestamp(1L).message(message).build());
        }
        return GetLogEventsResponse.builder().events(events).nextForwardToken(next).build();
    }

    @Test
    void poll_whenAnEmptyPageComesBeforeTheEnd_readsOnToTheEnd() {
        List<String> tokens = new ArrayList<>();
        LogTail tail = new LogTail(pages(tokens), "/aws/batch/job", "stream", 2);

        List<LogTail.Line> lines = tail.poll();

        assertThat(lines).extracting(LogTail.Line::message).containsExactly("one", "two", "three");
        assertThat(lines).allSatisfy(line -> assertThat(line.node()).isEqualTo(2));
        assertThat(tokens).containsExactly("null", "f/1", "f/2", "f/3");
        assertThat(tail.poll()).as("a later poll starts where this one ended").isEmpty();
    }
}
