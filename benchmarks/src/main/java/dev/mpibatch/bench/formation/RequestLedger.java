package dev.mpibatch.bench.formation;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts one formation's rendezvous requests by type and by node, and the bytes each node read. A request about a
 * node's own objects counts for that node, whoever made it (the main node's GET of {@code nodes/7.json} and PUT of
 * {@code bundles/7.json} count for node 7); LISTs and {@code done.json} count for the node that made them.
 */
final class RequestLedger {
    enum Type { PUT, GET, LIST, DELETE }

    private static final Pattern NODE_KEY = Pattern.compile("(?:nodes|bundles|ready)/(\\d+)(?:\\.json)?");

    private final int numNodes;
    private final AtomicLongArray requests;
    private final AtomicLongArray bytesRead;
    private final AtomicLongArray keysListed;
    private final AtomicLongArray bundleWritten;
    private final AtomicLongArray bundleSeen;
    private final AtomicLongArray registered;

    RequestLedger(int numNodes) {
        this.numNodes = numNodes;
        this.requests = new AtomicLongArray(numNodes * Type.values().length);
        this.bytesRead = new AtomicLongArray(numNodes);
        this.keysListed = new AtomicLongArray(numNodes);
        this.bundleWritten = new AtomicLongArray(numNodes);
        this.bundleSeen = new AtomicLongArray(numNodes);
        this.registered = new AtomicLongArray(numNodes);
    }

    private final java.util.concurrent.ConcurrentHashMap<Long, java.util.concurrent.atomic.AtomicInteger> perSecond =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger unrung = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long start;

    /** The start barrier, in System.nanoTime(): requests per second count from here. */
    void start(long nanos) {
        start = nanos;
    }

    /** A worker the main node could not tell through its doorbell (it found its bundle by polling). */
    void unrung() {
        unrung.incrementAndGet();
    }

    int unrungCount() {
        return unrung.get();
    }

    /** The busiest one-second window's requests, all nodes together (one-second buckets from the start). */
    int peakPerSecond() {
        return perSecond.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).max().orElse(0);
    }

    void request(int caller, Type type, String key) {
        perSecond.computeIfAbsent((System.nanoTime() - start) / 1_000_000_000L,
                k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        int owner = caller;
        Matcher m = NODE_KEY.matcher(key);
        if (m.matches()) {
            owner = Integer.parseInt(m.group(1));
        }
        requests.incrementAndGet(owner * Type.values().length + type.ordinal());
    }

    void read(int caller, String key, int bytes, long nanos) {
        bytesRead.addAndGet(caller, bytes);
        if (key.startsWith("bundles/")) {
            bundleSeen.compareAndSet(caller, 0, nanos);
        }
    }

    void listed(int caller, int keys) {
        keysListed.addAndGet(caller, keys);
    }

    void wrote(String key, long nanos) {
        Matcher m = NODE_KEY.matcher(key);
        if (key.startsWith("bundles/") && m.matches()) {
            bundleWritten.set(Integer.parseInt(m.group(1)), nanos);
        } else if (key.startsWith("nodes/") && m.matches()) {
            registered.set(Integer.parseInt(m.group(1)), nanos);
        }
    }

    long requests(int node, Type type) {
        return requests.get(node * Type.values().length + type.ordinal());
    }

    long requests(int node) {
        long sum = 0;
        for (Type type : Type.values()) {
            sum += requests(node, type);
        }
        return sum;
    }

    long total(Type type) {
        long sum = 0;
        for (int i = 0; i < numNodes; i++) {
            sum += requests(i, type);
        }
        return sum;
    }

    long bytesRead(int node) {
        return bytesRead.get(node);
    }

    long keysListed(int node) {
        return keysListed.get(node);
    }

    /** When the last node's record was written, in System.nanoTime(). */
    long lastRegistered() {
        long last = 0;
        for (int i = 0; i < numNodes; i++) {
            last = Math.max(last, registered.get(i));
        }
        return last;
    }

    /** How long after the main node wrote its bundle node {@code node} read it, in ms; -1 if unknown. */
    double detectionMillis(int node) {
        long written = bundleWritten.get(node);
        long seen = bundleSeen.get(node);
        return written == 0 || seen == 0 ? -1 : (seen - written) / 1e6;
    }
}
