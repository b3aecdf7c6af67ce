package dev.mpibatch.bench.formation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import dev.mpibatch.agent.NodeEnvironment;
import dev.mpibatch.agent.rendezvous.BundleDoorbell;
import dev.mpibatch.agent.rendezvous.NodeBundle;
import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Polling;
import dev.mpibatch.agent.rendezvous.Rendezvous;
import dev.mpibatch.agent.rendezvous.RendezvousStore;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.agent.ssh.ClusterAuthority;
import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.agent.ssh.SshKeyPair;
import dev.mpibatch.agent.ssh.SshKeys;

/**
 * One formation of N nodes: the main node runs the agent's own code for everything it does before MPI (its keys,
 * registration, gathering the records, signing, writing the bundles and telling each worker through its doorbell,
 * installing its own SSH files, waiting for every {@code ready/}) over HTTP with the agent's S3 client; the workers are
 * simulated cheaply, as threads that do what a worker does in the store and on the network (their keys and doorbells
 * made before the start, then: register, wait for the doorbell, read and check the bundle, {@code ready/}) without the
 * CPU a real worker spends on its own machine (its S3 client, key generation, writing its files).
 */
final class SimulatedFormation {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * @param seconds      from the start barrier to the main node ready to launch MPI
     * @param registered   barrier to the last node's record written, s
     * @param gathered     barrier to the main node holding every checked record, s
     * @param published    barrier to every bundle written, s
     * @param cpuSeconds   CPU time of the whole JVM (nodes, S3Proxy, latency proxy) during the formation
     * @param cpuByRole    CPU seconds of the main node's threads, the simulated workers' and the rest's
     */
    record Outcome(double seconds, double registered, double gathered, double published, double cpuSeconds,
                   RequestLedger ledger, Map<String, Double> cpuByRole) {
    }

    private SimulatedFormation() {
    }

    /**
     * @param mainStore    the main node's store: S3 over HTTP through the latency proxy
     * @param workerStore  makes a worker's store: the same objects, directly, with the same latency
     */
    static Outcome run(RendezvousStore mainStore, java.util.function.Supplier<RendezvousStore> workerStore, int n,
                       String jobId, Path dir) throws Exception {
        RequestLedger ledger = new RequestLedger(n);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] mainMarks = new long[3];
        List<Thread> nodes = new ArrayList<>();
        List<AutoCloseable> doorbells = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                Runnable body;
                if (i == 0) {
                    body = () -> runMain(new CountingStore(mainStore, ledger, 0), n, jobId, dir, mainMarks, ledger);
                } else {
                    Worker worker = Worker.prepare(index, n, jobId, dir);
                    doorbells.add(worker.doorbell());
                    RendezvousStore store = new CountingStore(workerStore.get(), ledger, index);
                    body = () -> worker.run(store);
                }
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        body.run();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "node-" + i);
                thread.setDaemon(true);
                nodes.add(thread);
                thread.start();
            }
            CpuSampler sampler = new CpuSampler();
            long cpuBefore = processCpuNanos();
            long t0 = System.nanoTime();
            ledger.start(t0);
            start.countDown();
            for (Thread thread : nodes) {
                thread.join(TIMEOUT.toMillis());
            }
            double cpu = (processCpuNanos() - cpuBefore) / 1e9;
            sampler.close();
            if (failure.get() != null) {
                throw new IllegalStateException("formation of " + n + " simulated nodes failed: " + failure.get(),
                        failure.get());
            }
            return new Outcome((mainMarks[2] - t0) / 1e9, (ledger.lastRegistered() - t0) / 1e9,
                    (mainMarks[0] - t0) / 1e9, (mainMarks[1] - t0) / 1e9, cpu, ledger, sampler.byRole());
        } finally {
            for (AutoCloseable doorbell : doorbells) {
                doorbell.close();
            }
        }
    }

    /** Node {@code index}'s loopback address: distinct per node, one port for all (as on Batch). */
    static String address(int index) {
        return "127.2." + ((index + 1) >> 8) + "." + ((index + 1) & 255);
    }

    private static void runMain(RendezvousStore store, int n, String jobId, Path root, long[] mainMarks,
                                RequestLedger ledger) {
        try {
            Path dir = Files.createDirectories(root.resolve("node-0"));
            Rendezvous rendezvous = new Rendezvous(store, new NodeEnvironment(0, 0, n, jobId, 1), Clock.systemUTC(),
                    Sleeper.system(), Polling.defaults(), new Random());
            SshKeyPair user = SshKeys.generate(dir, "id_ed25519", "user-0");
            SshKeyPair host = SshKeys.generate(dir, "ssh_host_ed25519_key", "host-0");
            NodeRecord self = new NodeRecord(jobId, 1, 0, address(0), 22, 2, "node-0", user.publicKeyLine(),
                    host.publicKeyLine(), "bench");
            rendezvous.register(self);
            Roster roster = rendezvous.gatherRoster(TIMEOUT);
            mainMarks[0] = System.nanoTime();
            ClusterAuthority authority = new ClusterAuthority(roster, "root", Instant.now(), Duration.ofHours(1));
            NodeBundle bundle = rendezvous.publishBundles(i -> authority.bundleFor(i, 0, 2223), i -> {
                NodeRecord worker = roster.nodes().get(i);
                if (!BundleDoorbell.ring(address(0), worker.address(), worker.notifyPort())) {
                    ledger.unrung();
                }
            });
            mainMarks[1] = System.nanoTime();
            ClusterFiles.install(dir, bundle, self, user, host);
            rendezvous.acknowledge();
            rendezvous.awaitReady(TIMEOUT);
            mainMarks[2] = System.nanoTime();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A cheap worker: its keys, record and doorbell made before the start. */
    private record Worker(int index, int n, String jobId, NodeRecord record, BundleDoorbell doorbell) {
        static Worker prepare(int index, int n, String jobId, Path root) throws java.io.IOException {
            Path dir = Files.createDirectories(root.resolve("node-" + index));
            SshKeyPair user = SshKeys.generate(dir, "id_ed25519", "user-" + index);
            SshKeyPair host = SshKeys.generate(dir, "ssh_host_ed25519_key", "host-" + index);
            BundleDoorbell doorbell = BundleDoorbell.open(address(index));
            NodeRecord record = new NodeRecord(jobId, 1, index, address(index), 22, 2, "node-" + index,
                    user.publicKeyLine(), host.publicKeyLine(), "bench", 2, "", doorbell.port());
            return new Worker(index, n, jobId, record, doorbell);
        }

        void run(RendezvousStore store) {
            Rendezvous rendezvous = new Rendezvous(store, new NodeEnvironment(index, 0, n, jobId, 1),
                    Clock.systemUTC(), Sleeper.system(), Polling.defaults(), new Random());
            rendezvous.register(record);
            // awaitBundle reads and checks the bundle (job, attempt, index, certificate formats).
            rendezvous.awaitBundle(TIMEOUT, doorbell);
            doorbell.close();
            rendezvous.acknowledge();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
