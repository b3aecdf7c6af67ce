package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.testing.S3ProxyFixture;
import dev.mpibatch.testkit.Fault;
import dev.mpibatch.testkit.ProxyStats;
import dev.mpibatch.testkit.S3FaultProxy;
import dev.mpibatch.testkit.S3Operation;

/** The agents' S3 rendezvous store against an S3 that throttles, fails, drops connections and stalls. */
class S3FaultsIT {
    private static final String BUCKET = "faults-it";
    private static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.startWithBucket(BUCKET);
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private static RendezvousStore store(S3FaultProxy proxy, String jobId) {
        return RendezvousStores.open("s3://" + BUCKET + "/rv", RendezvousStores.s3Client(
                Optional.of(proxy.endpoint()), s3.credentialsEnvironment()), true, jobId, 1);
    }

    @Test
    void store_throughTwentyPercentFaultsOfEveryKind_losesNoWriteAndRetriesWithinBudget() throws Exception {
        int records = 100;
        try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).faultRate(0.2).seed(20)
                .delayFault(Duration.ofMillis(300)).start();
             RendezvousStore store = store(proxy, "job-faults")) {
            for (int i = 0; i < records; i++) {
                store.put("nodes/" + i + ".json", ("{\"index\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(store.list("nodes/")).hasSize(records);
            for (int i = 0; i < records; i++) {
                assertThat(store.get("nodes/" + i + ".json")).map(b -> new String(b, StandardCharsets.UTF_8))
                        .contains("{\"index\":" + i + "}");
            }
            ProxyStats stats = proxy.stats();
            assertThat(stats.faults()).allSatisfy((fault, n) -> assertThat(n).as(fault.name()).isPositive());
            // 201 operations; a fault costs at most one more attempt each (two for a reset GET, which the JDK's
            // client resends once by itself): the retries added nothing else.
            long operations = 2L * records + 1;
            assertThat(stats.totalRequests()).isBetween(operations, operations + 2 * stats.totalFaults());
        }
    }

    @Test
    void twoAgentsClaimingOneIndex_overS3WithFaults_theSecondIsRefusedAndTheMainNodeFailsFormation() throws Exception {
        String jobId = "job-1"; // the job of RendezvousTest's records
        try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).faultRate(0.2).seed(5)
                .delayFault(Duration.ofMillis(200)).start();
             RendezvousStore mainStore = store(proxy, jobId);
             RendezvousStore firstStore = store(proxy, jobId);
             RendezvousStore secondStore = store(proxy, jobId)) {
            Rendezvous main = rendezvous(mainStore, 0, jobId);
            main.register(RendezvousTest.record(0));
            rendezvous(firstStore, 1, jobId).register(RendezvousTest.record(1));
            NodeRecord second = new NodeRecord(jobId, 1, 1, "10.0.0.9", 2222, 2, "h9",
                    RendezvousTest.key('Z'), RendezvousTest.key('z'), "test");

            assertThatThrownBy(() -> rendezvous(secondStore, 1, jobId).register(second))
                    .hasMessageContaining("two agents claim index 1; this one (10.0.0.9:2222) stops");
            assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(20)))
                    .isInstanceOf(RendezvousException.class)
                    .hasMessageContaining("two agents claim index 1 (the second at 10.0.0.9:2222, host h9)");
        }
    }

    private static Rendezvous rendezvous(RendezvousStore store, int index, String jobId) {
        return new Rendezvous(store, new NodeEnvironment(index, 0, 2, jobId, 1), Clock.systemUTC(), Sleeper.system(),
                Polling.defaults(), new Random());
    }

    @Test
    void store_whenS3ThrottlesEveryRequest_givesUpAfterItsBudgetNamingTheKey() throws Exception {
        try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint())).faultRate(1)
                .faults(Set.of(Fault.SLOW_DOWN_503)).start();
             RendezvousStore store = store(proxy, "job-throttled")) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.put("nodes/3.json", "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(RendezvousException.class)
                    .hasMessageContaining("cannot write s3://" + BUCKET + "/rv/job-throttled/attempt-1/nodes/3.json")
                    .hasMessageContaining("SlowDown")
                    .hasMessageContaining("retry budget of " + RendezvousRetries.MAX_ATTEMPTS + " attempts");
            Duration spent = Duration.ofNanos(System.nanoTime() - start);
            assertThat(proxy.stats().requests(S3Operation.PUT)).isEqualTo(RendezvousRetries.MAX_ATTEMPTS);
            // Backed off, not a tight loop; and bounded: 9 backoffs of at most 3 s each.
            assertThat(spent).isGreaterThan(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(40));
        }
    }
}
