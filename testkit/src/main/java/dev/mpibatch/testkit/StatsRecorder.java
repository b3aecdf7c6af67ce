package dev.mpibatch.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe counters behind {@link ProxyStats}; one per proxy. */
final class StatsRecorder {
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Map<S3Operation, Long> requests = new EnumMap<>(S3Operation.class);
    private final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
    private final AtomicLong bytesToClients = new AtomicLong();
    private final ArrayDeque<Long> window = new ArrayDeque<>();
    private final List<WrittenBody> writes = new ArrayList<>();
    private int peakPerSecond;
    private int connections;
    private int peakConnections;

    synchronized void request(S3Operation operation, long nanoTime) {
        requests.merge(operation, 1L, Long::sum);
        window.addLast(nanoTime);
        while (nanoTime - window.peekFirst() >= WINDOW_NANOS) {
            window.removeFirst();
        }
        peakPerSecond = Math.max(peakPerSecond, window.size());
    }

    synchronized void fault(Fault fault) {
        faults.merge(fault, 1L, Long::sum);
    }

    synchronized void write(WrittenBody body) {
        writes.add(body);
    }

    synchronized void connectionOpened() {
        connections++;
        peakConnections = Math.max(peakConnections, connections);
    }

    synchronized void connectionClosed() {
        connections--;
    }

    void sentToClient(long bytes) {
        bytesToClients.addAndGet(bytes);
    }

    synchronized ProxyStats snapshot() {
        return new ProxyStats(requests, faults, bytesToClients.get(), peakPerSecond, peakConnections, writes);
    }
}
