package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.NodeEnvironment;

class RendezvousTest {
    private static final String JOB = "job-1";
    private final MemoryStore store = new MemoryStore();
    private final FakeTime time = new FakeTime();

    static String key(char c) {
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + String.valueOf(c).repeat(43) + " node";
    }

    static NodeRecord record(int index) {
        return new NodeRecord(JOB, 1, index, "10.0.0." + (index + 2), 2222, 2, "host-" + index,
                key((char) ('A' + index)), key((char) ('a' + index)), "test");
    }

    private Rendezvous node(int index, int n) {
        return new Rendezvous(store, new NodeEnvironment(index, 0, n, JOB, 1), time, time, Polling.defaults(), new Random(1));
    }

    @Test
    void formation_whenAllNodesRegister_everyNodeGetsTheSameRosterAndMainSeesAllReady() {
        int n = 4;
        List<Rendezvous> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node(i, n));
            nodes.get(i).register(record(i));
        }
        Roster roster = nodes.get(0).awaitRoster(Duration.ofSeconds(10));
        for (int i = 1; i < n; i++) {
            assertThat(nodes.get(i).awaitRoster(Duration.ofSeconds(10))).isEqualTo(roster);
            nodes.get(i).acknowledge();
        }
        nodes.get(0).acknowledge();
        nodes.get(0).awaitReady(Duration.ofSeconds(10));

        assertThat(roster.nodes()).extracting(NodeRecord::index).containsExactly(0, 1, 2, 3);
        assertThat(store.objects).containsKeys("roster.json", "ready/0", "ready/3", "nodes/2.json");
    }

    @Test
    void gatherRoster_whenNodesNeverRegister_timesOutNamingThem() {
        Rendezvous main = node(0, 6);
        main.register(record(0));
        node(1, 6).register(record(1));
        node(3, 6).register(record(3));

        assertThatThrownBy(() -> main.awaitRoster(Duration.ofSeconds(30)))
                .isInstanceOf(RendezvousException.class)
                .hasMessageContaining("formation timed out after 30s: nodes 2, 4, 5 never registered (3 of 6 did)");
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void gatherRoster_whenLateNodeArrives_pollsWithGrowingIntervalsAndFewRequests() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        AtomicBoolean registered = new AtomicBoolean();
        time.onSleep(() -> {
            if (!registered.get() && time.elapsed().compareTo(Duration.ofSeconds(3)) > 0) {
                registered.set(true);
                node(1, 2).register(record(1));
            }
        });

        main.awaitRoster(Duration.ofSeconds(60));

        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps.get(0)).isLessThanOrEqualTo(Duration.ofMillis(50));
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(sleeps.get(sleeps.size() - 1)).isGreaterThan(sleeps.get(0));
        assertThat(store.lists.get()).as("LIST requests for a 3 s wait").isLessThan(15);
    }

    @Test
    void workerRoster_whenMainNeverPublishes_timesOutNamingTheMainNode() {
        Rendezvous worker = node(1, 2);
        worker.register(record(1));

        assertThatThrownBy(() -> worker.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("the main node (index 0) never published the roster");
    }

    @Test
    void workerRoster_whenMainGaveUp_failsSoonWithItsReason() {
        Rendezvous worker = node(1, 2);
        worker.register(record(1));
        store.put("done.json", RecordCodec.write(new DoneRecord(3, "formation timed out after 8s: node 2 never registered")));

        assertThatThrownBy(() -> worker.awaitRoster(Duration.ofMinutes(10)))
                .hasMessageContaining("the main node gave up before the cluster formed: formation timed out after 8s");
        assertThat(time.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void gatherRoster_whenRecordIsForAnotherAttempt_rejectsIt() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        NodeRecord stale = new NodeRecord(JOB, 2, 1, "10.0.0.3", 2222, 2, "h", key('B'), key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(stale));

        assertThatThrownBy(() -> main.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("rendezvous record nodes/1.json belongs to job job-1 attempt 2, not job job-1 attempt 1");
    }

    @Test
    void gatherRoster_whenTwoNodesShareAKey_rejectsTheRoster() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        NodeRecord copy = new NodeRecord(JOB, 1, 1, "10.0.0.3", 2222, 2, "h", key('A'), key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(copy));

        assertThatThrownBy(() -> main.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("nodes 0 and 1 registered the same key");
    }

    @Test
    void gatherRoster_whenRecordIsMalformedOrCarriesAPrivateKey_rejectsIt() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        store.put("nodes/1.json", "{not json".getBytes());
        assertThatThrownBy(() -> main.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("rendezvous record nodes/1.json is malformed");

        NodeRecord leaking = new NodeRecord(JOB, 1, 1, "10.0.0.3", 2222, 2, "h",
                "-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA", key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(leaking));
        assertThatThrownBy(() -> main.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("carries private key material");
    }

    @Test
    void workerRoster_whenAnotherAgentClaimedItsIndex_fails() {
        Rendezvous main = node(0, 2);
        Rendezvous worker = node(1, 2);
        main.register(record(0));
        worker.register(record(1));
        main.awaitRoster(Duration.ofSeconds(5));
        // An impostor overwrote node 1's record before the roster; simulate by rewriting the roster.
        NodeRecord impostor = new NodeRecord(JOB, 1, 1, "10.0.0.9", 2222, 2, "h", key('Z'), key('z'), "test");
        store.put("roster.json", RecordCodec.write(new Roster(JOB, 1, List.of(record(0), impostor))));

        assertThatThrownBy(() -> worker.awaitRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("do two agents claim index 1?");
    }

    @Test
    void awaitReady_whenANodeNeverAcknowledges_namesIt() {
        Rendezvous main = node(0, 3);
        main.acknowledge();
        store.put("ready/2", new byte[0]);

        assertThatThrownBy(() -> main.awaitReady(Duration.ofSeconds(10)))
                .hasMessageContaining("node 1 registered but never acknowledged the roster");
    }

    @Test
    void awaitDone_whenMainPublishes_returnsItsResult() {
        Rendezvous worker = node(1, 2);
        time.onSleep(() -> {
            if (time.elapsed().compareTo(Duration.ofMinutes(5)) > 0) {
                store.objects.putIfAbsent("done.json", RecordCodec.write(new DoneRecord(7, "step failed")));
            }
        });

        Optional<DoneRecord> done = worker.awaitDone(() -> true, Duration.ofSeconds(60));

        assertThat(done).contains(new DoneRecord(7, "step failed"));
        assertThat(store.gets.get()).as("GETs of done.json over 5 minutes").isLessThan(40);
    }

    @Test
    void awaitDone_whenMainGoneLongerThanLease_returnsEmpty() {
        Rendezvous worker = node(1, 2);

        Optional<DoneRecord> done = worker.awaitDone(() -> false, Duration.ofSeconds(20));

        assertThat(done).isEmpty();
        assertThat(time.elapsed()).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(22));
    }

    @Test
    void awaitDone_whenMainGoesAway_looksForTheResultAtOnce() {
        Rendezvous worker = node(1, 2);
        AtomicBoolean alive = new AtomicBoolean(true);
        time.onSleep(() -> {
            if (time.elapsed().compareTo(Duration.ofMinutes(10)) > 0 && alive.get()) {
                store.objects.put("done.json", RecordCodec.write(new DoneRecord(0, "plan finished")));
                alive.set(false);
            }
        });

        Optional<DoneRecord> done = worker.awaitDone(alive::get, Duration.ofSeconds(60));

        assertThat(done).contains(new DoneRecord(0, "plan finished"));
        assertThat(time.elapsed()).isLessThan(Duration.ofMinutes(10).plusSeconds(3));
    }
}
