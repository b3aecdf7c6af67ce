package dev.mpibatch.testkit;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of what an {@link S3FaultProxy} saw and did.
 *
 * @param requests        requests received from clients, by operation (faulted ones included)
 * @param faults          faults injected, by type
 * @param bytesToClients  bytes written to clients (heads and bodies, forwarded or injected)
 * @param peakPerSecond   the most requests received within any one-second window
 * @param peakConnections the most client connections open at the same time
 * @param writes          the bodies of every write request, when the proxy records them (else empty)
 */
public record ProxyStats(Map<S3Operation, Long> requests, Map<Fault, Long> faults, long bytesToClients,
                         int peakPerSecond, int peakConnections, List<WrittenBody> writes) {
    public ProxyStats {
        requests = Map.copyOf(complete(requests, S3Operation.class));
        faults = Map.copyOf(complete(faults, Fault.class));
        writes = List.copyOf(writes);
    }

    /** All requests received. */
    public long totalRequests() {
        return requests.values().stream().mapToLong(Long::longValue).sum();
    }

    /** All faults injected. */
    public long totalFaults() {
        return faults.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests of one operation. */
    public long requests(S3Operation operation) {
        return requests.get(operation);
    }

    /** Faults of one type. */
    public long faults(Fault fault) {
        return faults.get(fault);
    }

    private static <K extends Enum<K>> Map<K, Long> complete(Map<K, Long> counts, Class<K> type) {
        Map<K, Long> all = new EnumMap<>(type);
        for (K key : type.getEnumConstants()) {
            all.put(key, counts.getOrDefault(key, 0L));
        }
        return all;
    }
}
