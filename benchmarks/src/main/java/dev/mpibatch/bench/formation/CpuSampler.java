package dev.mpibatch.bench.formation;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whose CPU a formation took: every thread's CPU time, sampled every few milliseconds while it runs (threads that
 * live shorter than a sample are missed), summed by who the thread works for: the main node (its own thread and the
 * rendezvous' request pool, which only the main node uses), the simulated workers, and the rest (S3Proxy, the latency
 * proxy, the JVM).
 */
final class CpuSampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 10;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, long[]> seen = new ConcurrentHashMap<>();
    private final Map<Long, String> names = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    CpuSampler() {
        threads.setThreadCpuTimeEnabled(true);
        sample();
        seen.forEach((id, cpu) -> cpu[1] = cpu[0]);
        sampler = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** cpu[0]: the latest reading; cpu[1]: the reading when sampling began (0 for threads born since). */
    private void sample() {
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            names.putIfAbsent(info.getThreadId(), info.getThreadName());
            seen.computeIfAbsent(info.getThreadId(), id -> new long[2])[0] = cpu;
        }
    }

    /** CPU seconds by "main", "workers" and "rest" since this sampler started. */
    Map<String, Double> byRole() {
        Map<String, Double> roles = new ConcurrentHashMap<>(Map.of("main", 0.0, "workers", 0.0, "rest", 0.0));
        seen.forEach((id, cpu) -> roles.merge(role(names.get(id)), (cpu[0] - cpu[1]) / 1e9, Double::sum));
        return roles;
    }

    private static String role(String name) {
        if (name.equals("node-0") || name.startsWith("rendezvous-request")) {
            return "main";
        }
        if (name.startsWith("node-") || name.startsWith("bundle-doorbell")) {
            return "workers";
        }
        return "rest";
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        sample();
    }
}
