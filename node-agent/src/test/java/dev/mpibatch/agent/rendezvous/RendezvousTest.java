package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.agent.ssh.ClusterAuthority;
import dev.mpibatch.agent.ssh.Ed25519Key;
import dev.mpibatch.agent.ssh.SshCertificate;

class RendezvousTest {
    private static final String JOB = "job-1";
    private final MemoryStore store = new MemoryStore();
    private final FakeTime time = new FakeTime();

    static String key(char c) {
        // "AAAAIA": a 32-byte key follows, whatever the letter.
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA" + String.valueOf(c).repeat(42) + " node";
    }

    static NodeRecord record(int index) {
        return new NodeRecord(JOB, 1, index, "10.0.0." + (index + 2), 2222, 2, "host-" + index,
                key((char) ('A' + index)), key((char) ('a' + index)), "test");
    }

    private Rendezvous node(int index, int n) {
        return new Rendezvous(store, new NodeEnvironment(index, 0, n, JOB, 1), time, time, Polling.defaults(), new Random(1));
    }

    private static ClusterAuthority authority(Roster roster) {
        return new ClusterAuthority(roster, "root", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(1));
    }

    @Test
    void formation_whenAllNodesRegister_mainGathersTheRosterAndEveryWorkerGetsOnlyItsOwnCertificates() {
        int n = 4;
        List<Rendezvous> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(node(i, n));
            nodes.get(i).register(record(i));
        }
        Roster roster = nodes.get(0).gatherRoster(Duration.ofSeconds(10));
        ClusterAuthority authority = authority(roster);
        NodeBundle own = nodes.get(0).publishBundles(i -> authority.bundleFor(i, 0, 2223));
        for (int i = 1; i < n; i++) {
            NodeBundle bundle = nodes.get(i).awaitBundle(Duration.ofSeconds(10));
            assertThat(bundle.index()).isEqualTo(i);
            assertThat(SshCertificate.parse(bundle.hostCertificate()).certifies(record(i).hostKey())).isTrue();
            assertThat(SshCertificate.parse(bundle.userCertificate()).certifies(record(i).userKey())).isTrue();
            assertThat(bundle.certificateAuthority()).isEqualTo(own.certificateAuthority());
            assertThat(bundle.mainAddress()).isEqualTo("10.0.0.2");
            assertThat(bundle.sshPort()).isEqualTo(2222);
            assertThat(bundle.ports()).as("one port for all: nothing per node").isEmpty();
            nodes.get(i).acknowledge();
        }
        nodes.get(0).acknowledge();
        nodes.get(0).awaitReady(Duration.ofSeconds(10));

        assertThat(roster.nodes()).extracting(NodeRecord::index).containsExactly(0, 1, 2, 3);
        assertThat(own.index()).isZero();
        assertThat(store.objects).containsKeys("bundles/1.json", "bundles/3.json", "ready/0", "ready/3", "nodes/2.json")
                .doesNotContainKeys("bundles/0.json", "roster.json");
        assertThat(store.objects.get("bundles/2.json").length).as("a bundle's size does not depend on N")
                .isLessThan(2000);
    }

    @Test
    void gatherRoster_whenNodesNeverRegister_timesOutNamingThem() {
        Rendezvous main = node(0, 6);
        main.register(record(0));
        node(1, 6).register(record(1));
        node(3, 6).register(record(3));

        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(30)))
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

        main.gatherRoster(Duration.ofSeconds(60));

        List<Duration> sleeps = time.sleeps();
        assertThat(sleeps.get(0)).isLessThanOrEqualTo(Duration.ofMillis(50));
        assertThat(sleeps).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(sleeps.get(sleeps.size() - 1)).isGreaterThan(sleeps.get(0));
        assertThat(store.lists.get()).as("LIST requests for a 3 s wait").isLessThan(15);
    }

    @Test
    void gatherRoster_whenNodesArriveOverTime_readsEachRecordOnceWhileWaiting() {
        int n = 5;
        Rendezvous main = node(0, n);
        main.register(record(0));
        time.onSleep(() -> {
            int due = (int) Math.min(n - 1, time.elapsed().toMillis() / 400);
            for (int i = 1; i <= due; i++) {
                store.objects.putIfAbsent(RendezvousKeys.node(i), RecordCodec.write(record(i)));
            }
        });

        Roster roster = main.gatherRoster(Duration.ofSeconds(60));

        assertThat(roster.nodes()).hasSize(n);
        assertThat(store.gets.get()).as("one GET per record, none repeated").isEqualTo(n);
    }

    @Test
    void awaitBundle_whenMainNeverPublishes_timesOutNamingTheMissingCertificates() {
        Rendezvous worker = node(1, 2);
        worker.register(record(1));

        assertThatThrownBy(() -> worker.awaitBundle(Duration.ofSeconds(5)))
                .hasMessageContaining("the main node (index 0) never published the certificates of node 1 (bundles/1.json)");
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void awaitBundle_whenMainGaveUp_failsSoonWithItsReason() {
        Rendezvous worker = node(1, 2);
        worker.register(record(1));
        store.put("done.json", RecordCodec.write(new DoneRecord(3, "formation timed out after 8s: node 2 never registered")));

        assertThatThrownBy(() -> worker.awaitBundle(Duration.ofMinutes(10)))
                .hasMessageContaining("the main node gave up before the cluster formed: formation timed out after 8s");
        assertThat(time.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void awaitBundle_inALargeCluster_looksFirstLaterAndSpendsAFewRequests() {
        int n = 1000;
        Rendezvous worker = node(7, n);
        worker.register(record(7));
        Roster roster = new Roster(JOB, 1, java.util.stream.IntStream.range(0, n).mapToObj(i -> i == 7 ? record(7)
                : new NodeRecord(JOB, 1, i, "10.0." + (i / 250) + "." + (i % 250 + 2), 2222, 2, "h", key('A'),
                        key('a'), "t")).toList());
        NodeBundle bundle = authority(roster).bundleFor(7, 0, 2223);
        time.onSleep(() -> {
            if (time.elapsed().compareTo(Duration.ofMillis(1500)) >= 0) {
                store.objects.putIfAbsent("bundles/7.json", RecordCodec.write(bundle));
            }
        });

        assertThat(worker.awaitBundle(Duration.ofSeconds(60))).isEqualTo(bundle);

        assertThat(time.sleeps().get(0)).as("first look, proportional to N").isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(store.gets.get()).as("GETs of a worker whose bundle comes after 1.5 s").isBetween(2, 6);
        assertThat(time.elapsed()).as("noticed soon after it appeared").isLessThan(Duration.ofMillis(2500));
    }

    @Test
    void awaitBundle_inASmallCluster_looksWithinAFewTensOfMilliseconds() {
        Rendezvous worker = node(1, 8);
        worker.register(record(1));
        store.put("bundles/1.json", RecordCodec.write(authority(new Roster(JOB, 1,
                java.util.stream.IntStream.range(0, 8).mapToObj(RendezvousTest::record).toList())).bundleFor(1, 0, 2223)));

        worker.awaitBundle(Duration.ofSeconds(10));

        assertThat(time.elapsed()).isLessThanOrEqualTo(Duration.ofMillis(160));
    }

    @Test
    void awaitBundle_whenTheBundleIsForAnotherNode_rejectsIt() {
        Rendezvous worker = node(1, 3);
        worker.register(record(1));
        Roster roster = new Roster(JOB, 1, List.of(record(0), record(1), record(2)));
        store.put("bundles/1.json", RecordCodec.write(authority(roster).bundleFor(2, 0, 2223)));

        assertThatThrownBy(() -> worker.awaitBundle(Duration.ofSeconds(5)))
                .hasMessageContaining("rendezvous record bundles/1.json is for job job-1 attempt 1 node 2, not job job-1 attempt 1 node 1");
    }

    @Test
    void gatherRoster_whenRecordIsForAnotherAttempt_rejectsIt() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        NodeRecord stale = new NodeRecord(JOB, 2, 1, "10.0.0.3", 2222, 2, "h", key('B'), key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(stale));

        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("rendezvous record nodes/1.json belongs to job job-1 attempt 2, not job job-1 attempt 1");
    }

    @Test
    void gatherRoster_whenTwoNodesShareAKeyOrAnAddress_rejectsTheRoster() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        NodeRecord copy = new NodeRecord(JOB, 1, 1, "10.0.0.3", 2222, 2, "h", key('A'), key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(copy));
        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("nodes 0 and 1 registered the same key");

        NodeRecord sameAddress = new NodeRecord(JOB, 1, 1, "10.0.0.2", 2222, 2, "h", key('B'), key('b'), "test");
        List.of(record(0), sameAddress).forEach(r -> store.put(RendezvousKeys.node(r.index()), RecordCodec.write(r)));
        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("nodes 0 and 1 both registered 10.0.0.2:2222");
    }

    @Test
    void gatherRoster_whenRecordIsMalformedOrCarriesAPrivateKey_rejectsIt() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        store.put("nodes/1.json", "{not json".getBytes());
        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("rendezvous record nodes/1.json is malformed");

        NodeRecord leaking = new NodeRecord(JOB, 1, 1, "10.0.0.3", 2222, 2, "h",
                Ed25519Key.PEM_BEGIN + " b3BlbnNzaC1rZXktdjEAAAAA", key('b'), "test");
        store.put("nodes/1.json", RecordCodec.write(leaking));
        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("carries private key material");
    }

    @Test
    void register_whenAnotherAgentHoldsTheIndex_failsThatAgentAndTheMainNodeRefusesToForm() {
        Rendezvous main = node(0, 3);
        main.register(record(0));
        node(1, 3).register(record(1));
        NodeRecord second = new NodeRecord(JOB, 1, 1, "10.0.0.9", 2222, 2, "h9", key('Z'), key('z'), "test");

        assertThatThrownBy(() -> node(1, 3).register(second)).isInstanceOf(RendezvousException.class)
                .hasMessageContaining("node 1 is already registered at memory:/nodes/1.json by another agent: "
                        + "two agents claim index 1; this one (10.0.0.9:2222) stops");
        assertThat(store.get("nodes/1.json")).hasValueSatisfying(
                json -> assertThat(RecordCodec.readNode(json, "nodes/1.json", JOB, 1)).isEqualTo(record(1)));
        node(2, 3).register(record(2));
        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5))).isInstanceOf(RendezvousException.class)
                .hasMessageContaining("two agents claim index 1 (the second at 10.0.0.9:2222, host h9): "
                        + "refusing to form the cluster");
    }

    @Test
    void register_whenARetriedWriteFindsItsOwnRecord_succeeds() {
        node(1, 2).register(record(1));
        // A PUT whose answer was lost is retried and finds the object it wrote: that is not a second agent.
        node(1, 2).register(record(1));
        assertThat(store.objects).containsOnlyKeys("nodes/1.json");
    }

    @Test
    void gatherRoster_whenAnotherAgentOverwroteTheMainRecord_fails() {
        Rendezvous main = node(0, 2);
        main.register(record(0));
        node(1, 2).register(record(1));
        NodeRecord impostor = new NodeRecord(JOB, 1, 0, "10.0.0.9", 2222, 2, "h", key('Z'), key('z'), "test");
        store.put("nodes/0.json", RecordCodec.write(impostor));

        assertThatThrownBy(() -> main.gatherRoster(Duration.ofSeconds(5)))
                .hasMessageContaining("two agents claim index 0");
    }

    @Test
    void awaitReady_whenANodeNeverAcknowledges_namesIt() {
        Rendezvous main = node(0, 3);
        main.acknowledge();
        store.put("ready/2", new byte[0]);

        assertThatThrownBy(() -> main.awaitReady(Duration.ofSeconds(10)))
                .hasMessageContaining("node 1 received certificates but never acknowledged them");
    }

    @Test
    void awaitReady_inALargeCluster_startsListingLater() {
        Rendezvous main = node(0, 1000);
        time.onSleep(() -> {
            if (time.elapsed().compareTo(Duration.ofMillis(1200)) >= 0 && !store.objects.containsKey("ready/999")) {
                for (int i = 0; i < 1000; i++) {
                    store.objects.put("ready/" + i, new byte[0]);
                }
            }
        });

        main.awaitReady(Duration.ofSeconds(60));

        assertThat(time.sleeps().get(0)).as("first interval, a quarter ms per node").isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(store.lists.get()).as("LISTs of up to 1000 keys while waiting 1.2 s").isLessThanOrEqualTo(5);
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
