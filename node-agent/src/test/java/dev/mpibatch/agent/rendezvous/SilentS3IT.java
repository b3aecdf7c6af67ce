package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.testkit.SilentServer;

/**
 * The rendezvous against an S3 endpoint that never answers: a TCP listener that accepts and stays silent, and one
 * whose backlog is full (connections never complete). Every wait ends by its bound and names the endpoint and the
 * key. The bounds asserted are generous (correctness, not speed): before they were enforced each call took 120 s.
 */
class SilentS3IT {
    private static final Map<String, String> CREDENTIALS = Map.of("AWS_ACCESS_KEY_ID", "silent",
            "AWS_SECRET_ACCESS_KEY", "silent", "AWS_REGION", "us-east-1");
    /** Slack over a bound: a call made at the deadline gets one more second, plus a connect timeout, plus start-up. */
    private static final Duration SLACK = RendezvousStores.CONNECT_TIMEOUT.plusSeconds(4);

    private static SilentServer silent(String kind) throws IOException {
        return kind.equals("accepting") ? SilentServer.accepting("127.0.0.1") : SilentServer.neverAccepting("127.0.0.1");
    }

    private static RendezvousStore store(SilentServer server) {
        return RendezvousStores.open("s3://silent/rv", RendezvousStores.s3Client(Optional.of(server.endpoint()),
                CREDENTIALS), true, "job-1", 1);
    }

    private static Rendezvous rendezvous(RendezvousStore store, int index) {
        return new Rendezvous(store, new NodeEnvironment(index, 0, 2, "job-1", 1), Clock.systemUTC(), Sleeper.system(),
                Polling.defaults(), new Random());
    }

    @ParameterizedTest(name = "S3 {0}")
    @ValueSource(strings = {"accepting", "never-accepting"})
    void register_whenS3DoesNotAnswer_failsByTheFormationDeadlineNamingEndpointAndKey(String kind) throws Exception {
        try (SilentServer server = silent(kind); RendezvousStore store = store(server)) {
            Rendezvous main = rendezvous(store, 0);
            Duration formation = Duration.ofSeconds(4);
            long start = System.nanoTime();
            main.boundCalls(Clock.systemUTC().instant().plus(formation));

            assertThatThrownBy(() -> main.register(RendezvousTest.record(0)))
                    .isInstanceOf(RendezvousException.class)
                    .hasMessageContaining("cannot write s3://silent/rv/job-1/attempt-1/nodes/0.json")
                    .hasMessageContaining("no answer from S3 at " + server.endpoint() + " before its deadline");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(formation.plus(SLACK));
        }
    }

    @ParameterizedTest(name = "S3 {0}")
    @ValueSource(strings = {"accepting", "never-accepting"})
    void awaitReady_whenS3DoesNotAnswer_endsByItsTimeoutWithoutABoundSet(String kind) throws Exception {
        try (SilentServer server = silent(kind); RendezvousStore store = store(server)) {
            Rendezvous main = rendezvous(store, 0);
            Duration timeout = Duration.ofSeconds(3);
            long start = System.nanoTime();

            assertThatThrownBy(() -> main.awaitReady(timeout))
                    .isInstanceOf(RendezvousException.class)
                    .hasMessageContaining("cannot list s3://silent/rv/job-1/attempt-1/ready/")
                    .hasMessageContaining("no answer from S3 at " + server.endpoint());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plus(SLACK));
        }
    }

    @ParameterizedTest(name = "S3 {0}")
    @ValueSource(strings = {"accepting", "never-accepting"})
    void anyCall_withoutDeadline_endsWithinTheClientsCallTimeoutNamingTheEndpoint(String kind) throws Exception {
        try (SilentServer server = silent(kind); RendezvousStore store = store(server)) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.put("done.json", "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(RendezvousException.class)
                    .hasMessageContaining("cannot write s3://silent/rv/job-1/attempt-1/done.json: no answer from S3 at "
                            + server.endpoint() + " within 30s (each attempt at most 10s)");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(RendezvousStores.CALL_TIMEOUT.plus(SLACK));
        }
    }
}
