package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.agent.ssh.ClusterAuthority;

/**
 * Issue 12 part 3: a worker that is told its bundle is written reads it at once with one request, without polling;
 * told nothing, it still finds the bundle by a slow poll.
 */
class BundleSignalTest {
    private static final String JOB = "job-1";
    private final MemoryStore store = new MemoryStore();
    private final FakeTime time = new FakeTime();

    private Rendezvous node(RendezvousStore on, int index, int n) {
        return new Rendezvous(on, new NodeEnvironment(index, 0, n, JOB, 1), time, time, Polling.defaults(),
                new Random(1));
    }

    /** A signal on the fake clock: rings when {@code ready} says the bundle is there, else lets the time pass. */
    private BundleSignal signal(java.util.function.BooleanSupplier ready, AtomicInteger waits) {
        return timeout -> {
            waits.incrementAndGet();
            if (ready.getAsBoolean()) {
                return true;
            }
            time.sleep(timeout);
            return false;
        };
    }

    @Test
    void awaitBundle_whenRung_readsTheBundleWithOneRequestAndNoPolling() {
        CountingGets counting = new CountingGets(store);
        Rendezvous worker = node(counting, 1, 2);
        List<Integer> rung = new ArrayList<>();
        formUpToTheBundles(worker, rung);
        AtomicInteger waits = new AtomicInteger();

        NodeBundle bundle = worker.awaitBundle(Duration.ofSeconds(30), signal(() -> true, waits));

        assertThat(bundle.index()).isEqualTo(1);
        assertThat(rung).containsExactly(1);
        assertThat(counting.gets.get()).as("GETs of the bundle").isEqualTo(1);
        assertThat(time.elapsed()).isZero();
    }

    @Test
    void awaitBundle_whenNoRingComes_findsTheBundleByASlowPoll() {
        CountingGets counting = new CountingGets(store);
        Rendezvous worker = node(counting, 1, 2);
        formUpToTheBundles(worker, new ArrayList<>());
        AtomicInteger waits = new AtomicInteger();

        NodeBundle bundle = worker.awaitBundle(Duration.ofSeconds(30), signal(() -> false, waits));

        assertThat(bundle.index()).isEqualTo(1);
        assertThat(counting.gets.get()).isEqualTo(1);
        assertThat(time.elapsed()).as("the first look of the fallback")
                .isBetween(Duration.ofMillis(1400), Duration.ofSeconds(Rendezvous.FALLBACK_FIRST_SECONDS));
    }

    @Test
    void doorbell_ringFromTheMainNodesAddress_wakesTheWorkerAndASilentOneDoesNot() throws Exception {
        try (BundleDoorbell doorbell = BundleDoorbell.open("127.0.0.1")) {
            assertThat(doorbell.await(Duration.ofMillis(50))).isFalse();

            assertThat(BundleDoorbell.ring("127.0.0.1", "127.0.0.1", doorbell.port())).isTrue();

            assertThat(doorbell.await(Duration.ofSeconds(10))).isTrue();
            assertThat(doorbell.await(Duration.ofMillis(50))).as("one ring, one wake-up").isFalse();
        }
    }

    @Test
    void ring_whenNobodyListens_isFalseNotAnError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(BundleDoorbell.ring("127.0.0.1", "127.0.0.1", port)).isFalse();
    }

    /** Both nodes register; the main node gathers them and publishes the worker's bundle, noting whom it tells. */
    private void formUpToTheBundles(Rendezvous worker, List<Integer> told) {
        Rendezvous main = node(store, 0, 2);
        main.register(RendezvousTest.record(0));
        worker.register(RendezvousTest.record(1));
        ClusterAuthority authority = authority(main.gatherRoster(Duration.ofSeconds(10)));
        main.publishBundles(i -> authority.bundleFor(i, 0, 2223), told::add);
    }

    private static ClusterAuthority authority(Roster roster) {
        return new ClusterAuthority(roster, "root", Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(1));
    }

    /** Counts the worker's GETs of its bundle. */
    private static final class CountingGets implements RendezvousStore {
        private final RendezvousStore store;
        final AtomicInteger gets = new AtomicInteger();

        CountingGets(RendezvousStore store) {
            this.store = store;
        }

        @Override
        public void put(String key, byte[] value) {
            store.put(key, value);
        }

        @Override
        public boolean create(String key, byte[] value) {
            return store.create(key, value);
        }

        @Override
        public java.util.Optional<byte[]> get(String key) {
            if (key.startsWith("bundles/")) {
                gets.incrementAndGet();
            }
            return store.get(key);
        }

        @Override
        public List<String> list(String prefix) {
            return store.list(prefix);
        }

        @Override
        public void deleteAll() {
            store.deleteAll();
        }

        @Override
        public String describe() {
            return store.describe();
        }
    }
}
