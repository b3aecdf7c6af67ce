package dev.mpibatch.bench.formation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import dev.mpibatch.agent.NodeEnvironment;
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
 * One formation of N simulated nodes, each a thread running the agent's own code for keys, rendezvous and the
 * cluster's SSH files (everything NodeAgent does before sshd and MPI), released together by a start barrier.
 */
final class SimulatedFormation {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /**
     * @param seconds      from the start barrier to the main node ready to launch MPI
     * @param registered   barrier to the last node's record written, s
     * @param gathered     barrier to the main node holding every checked record, s
     * @param published    barrier to every bundle written, s
     * @param cpuSeconds   CPU time of the whole JVM (nodes, S3Proxy, latency proxy) during the formation
     */
    record Outcome(double seconds, double registered, double gathered, double published, double cpuSeconds,
                   RequestLedger ledger) {
    }

    private SimulatedFormation() {
    }

    static Outcome run(RendezvousStore store, int n, String jobId, Path dir) throws Exception {
        RequestLedger ledger = new RequestLedger(n);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] mainMarks = new long[3];
        List<Thread> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    runNode(new CountingStore(store, ledger, index), n, index, jobId, dir, mainMarks);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "node-" + i);
            thread.setDaemon(true);
            nodes.add(thread);
            thread.start();
        }
        long cpuBefore = processCpuNanos();
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread thread : nodes) {
            thread.join(TIMEOUT.toMillis());
        }
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("formation of " + n + " simulated nodes failed: " + failure.get(), failure.get());
        }
        return new Outcome((mainMarks[2] - t0) / 1e9, (ledger.lastRegistered() - t0) / 1e9, (mainMarks[0] - t0) / 1e9, (mainMarks[1] - t0) / 1e9, cpu, ledger);
    }

    private static void runNode(RendezvousStore store, int n, int index, String jobId, Path root, long[] mainMarks)
            throws Exception {
        Path dir = Files.createDirectories(root.resolve("node-" + index));
        NodeEnvironment env = new NodeEnvironment(index, 0, n, jobId, 1);
        Rendezvous rendezvous = new Rendezvous(store, env, Clock.systemUTC(), Sleeper.system(), Polling.defaults(),
                new Random());
        SshKeyPair user = SshKeys.generate(dir, "id_ed25519", "user-" + index);
        SshKeyPair host = SshKeys.generate(dir, "ssh_host_ed25519_key", "host-" + index);
        NodeRecord self = new NodeRecord(jobId, 1, index, "10." + (index >> 16 & 255) + "." + (index >> 8 & 255) + "."
                + (index & 255), 22, 2, "node-" + index, user.publicKeyLine(), host.publicKeyLine(), "bench");
        rendezvous.register(self);
        NodeBundle bundle;
        if (index == 0) {
            Roster roster = rendezvous.gatherRoster(TIMEOUT);
            mainMarks[0] = System.nanoTime();
            ClusterAuthority authority = new ClusterAuthority(roster, "root", Instant.now(), Duration.ofHours(1));
            bundle = rendezvous.publishBundles(i -> authority.bundleFor(i, 0, 2223));
            mainMarks[1] = System.nanoTime();
        } else {
            bundle = rendezvous.awaitBundle(TIMEOUT);
        }
        ClusterFiles.install(dir, bundle, self, user, host);
        rendezvous.acknowledge();
        if (index == 0) {
            rendezvous.awaitReady(TIMEOUT);
            mainMarks[2] = System.nanoTime();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
