package dev.mpibatch.agent.rendezvous;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.NodeEnvironment;

/**
 * The rendezvous protocol for one node (see the README's "How a cluster forms"): register, the main node gathers
 * the records and publishes one certificate bundle per node, ready, done. Every wait is bounded and a timeout names
 * what never came. Requests grow as O(N) in all, a handful per node; bytes downloaded by a worker do not grow with N.
 */
public final class Rendezvous {
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
    /** Long jobs: a worker looks for done.json at most this often, and relies on the main node's beacon in between. */
    private static final Duration DONE_POLL_MAX = Duration.ofSeconds(30);
    private static final Duration LIVENESS_CHECK = Duration.ofSeconds(1);
    /** While waiting for its bundle, how often a worker looks whether the main node gave up. */
    private static final Duration MAIN_CHECK = Duration.ofSeconds(3);
    /** A worker told by a signal looks by itself first after this long (then backing off to 5 s). */
    static final int FALLBACK_FIRST_SECONDS = 2;

    private final RendezvousStore base;
    /** The store as calls see it: {@link #base}, or a view of it whose calls end by a deadline. */
    private volatile RendezvousStore store;
    private final NodeEnvironment node;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Polling polling;
    private final RandomGenerator random;
    private NodeRecord self;

    public Rendezvous(RendezvousStore store, NodeEnvironment node, Clock clock, Sleeper sleeper, Polling polling,
                      RandomGenerator random) {
        this.base = store;
        this.store = store;
        this.node = node;
        this.clock = clock;
        this.sleeper = sleeper;
        this.polling = polling;
        this.random = random;
    }

    /**
     * Bounds every store call from now on by {@code end}, retries included: during formation an S3 that does not
     * answer costs no more than the formation timeout, and the failure names the key and the endpoint. {@code null}
     * lifts the bound (the calls keep their client's own timeouts). The timed waits below are bounded by their own
     * deadlines as well.
     */
    public void boundCalls(Instant end) {
        store = end == null ? base : base.until(end, clock);
    }

    /**
     * Publishes this node's record under {@code nodes/<index>.json}, unless another agent already holds that index:
     * then this agent leaves its record beside it for the main node (which fails the job) and fails itself.
     */
    public void register(NodeRecord record) {
        String key = RendezvousKeys.node(node.index());
        RecordCodec.checkNode(record, key, node.jobId(), node.attempt());
        byte[] json = RecordCodec.write(record);
        if (!store.create(key, json)) {
            byte[] existing = store.get(key).orElse(new byte[0]);
            // The same bytes: our own write, whose answer was lost and whose retry found it (a retried PUT).
            if (!java.util.Arrays.equals(existing, json)) {
                store.put(RendezvousKeys.duplicate(node.index(), Long.toHexString(random.nextLong())), json);
                throw new RendezvousException("node " + node.index() + " is already registered at " + store.describe()
                        + key + " by another agent: two agents claim index " + node.index() + "; this one ("
                        + record.address() + ":" + record.sshPort() + ") stops, and the main node fails the job "
                        + "(check how the agents got AWS_BATCH_JOB_NODE_INDEX)");
            }
        }
        self = record;
        LOG.info("registered node {} at {}", node.index(), store.describe());
    }

    /**
     * The main node reads every node's record, fetching records while it waits for the rest (LIST, then GET the new
     * ones in parallel), and checks them: the right job and attempt, distinct addresses and keys, its own record
     * unchanged. The roster stays in the main node's memory; workers get their {@link NodeBundle} instead.
     */
    public Roster gatherRoster(Duration timeout) {
        requireRegistered();
        if (!node.isMain()) {
            throw new IllegalStateException("only the main node gathers the roster");
        }
        Instant deadline = clock.instant().plus(timeout);
        RendezvousStore calls = store.until(deadline, clock);
        Map<Integer, NodeRecord> records = new ConcurrentHashMap<>();
        Duration interval = null;
        while (true) {
            List<String> keys = calls.list(RendezvousKeys.NODES_PREFIX);
            refuseDuplicateClaims(keys, calls);
            TreeSet<Integer> listed = present(keys, RendezvousKeys.NODES_PREFIX, ".json");
            List<Integer> fresh = listed.stream().filter(i -> !records.containsKey(i)).toList();
            Parallel.forEach(fresh, i -> records.put(i, readRecord(i, calls)));
            if (records.size() == node.numNodes()) {
                break;
            }
            if (!clock.instant().isBefore(deadline)) {
                TreeSet<Integer> missing = allIndices();
                missing.removeAll(records.keySet());
                throw new RendezvousException("formation timed out after " + seconds(timeout) + ": " + nodes(missing)
                        + " never registered (" + records.size() + " of " + node.numNodes() + " did) at "
                        + store.describe());
            }
            interval = polling.nominalAfter(interval);
            pause(polling.jittered(interval, random), deadline);
        }
        List<NodeRecord> ordered = IntStream.range(0, node.numNodes()).mapToObj(records::get).toList();
        RecordCodec.checkDistinct(ordered);
        if (!ordered.get(node.index()).equals(self)) {
            throw new RendezvousException("the record of the main node " + node.index()
                    + " was overwritten by another agent: two agents claim index " + node.index());
        }
        LOG.info("all {} nodes registered", node.numNodes());
        return new Roster(node.jobId(), node.attempt(), ordered);
    }

    /** Fails formation when an agent found its index taken: the cluster must not form around a confusion. */
    private void refuseDuplicateClaims(List<String> keys, RendezvousStore calls) {
        for (String key : keys) {
            if (RendezvousKeys.isDuplicate(key)) {
                String claimed = RendezvousKeys.claimedBy(key);
                String index = present(List.of(claimed), RendezvousKeys.NODES_PREFIX, ".json").first().toString();
                String second = calls.get(key).map(json -> {
                    try {
                        NodeRecord r = RecordCodec.readNode(json, claimed, node.jobId(), node.attempt());
                        return " (the second at " + r.address() + ":" + r.sshPort() + ", host " + r.hostname() + ")";
                    } catch (RendezvousException e) {
                        return "";
                    }
                }).orElse("");
                throw new RendezvousException("two agents claim index " + index + second + ": refusing to form the "
                        + "cluster at " + store.describe() + " (check how the agents got AWS_BATCH_JOB_NODE_INDEX)");
            }
        }
    }

    private NodeRecord readRecord(int index, RendezvousStore calls) {
        String key = RendezvousKeys.node(index);
        byte[] bytes = calls.get(key).orElseThrow(() -> new RendezvousException(
                "rendezvous record " + key + " was listed but cannot be read at " + store.describe()));
        return RecordCodec.readNode(bytes, key, node.jobId(), node.attempt());
    }

    /**
     * The main node writes every other node's bundle, made by {@code bundleFor} (which signs: the work is spread over
     * the same bounded pool), and returns its own, which it keeps.
     */
    public NodeBundle publishBundles(IntFunction<NodeBundle> bundleFor) {
        return publishBundles(bundleFor, i -> { });
    }

    /**
     * As {@link #publishBundles(IntFunction)}, calling {@code published} with each node's index as soon as its bundle
     * is written (to tell the node, {@link BundleDoorbell#ring}), in the same bounded pool.
     */
    public NodeBundle publishBundles(IntFunction<NodeBundle> bundleFor, IntConsumer published) {
        List<Integer> others = allIndices().stream().filter(i -> i != node.index()).toList();
        Parallel.forEach(others, i -> {
            store.put(RendezvousKeys.bundle(i), RecordCodec.write(bundleFor.apply(i)));
            published.accept(i);
            return i;
        });
        LOG.info("certificates published for {} nodes", others.size());
        return bundleFor.apply(node.index());
    }

    /**
     * A worker waits for the bundle the main node makes for it. The first look comes about when the main node can
     * have written it (later for larger clusters), then looks back off: a thousand workers stay under a few thousand
     * requests per second and spend a handful of requests each.
     */
    public NodeBundle awaitBundle(Duration timeout) {
        return awaitBundle(timeout, null);
    }

    /**
     * As {@link #awaitBundle(Duration)}, but told by {@code signal} when the bundle is there: the worker reads it
     * then, and otherwise only every {@value #FALLBACK_FIRST_SECONDS} s or more, in case the notice never comes.
     * {@code null}: polling alone.
     */
    public NodeBundle awaitBundle(Duration timeout, BundleSignal signal) {
        requireRegistered();
        String key = RendezvousKeys.bundle(node.index());
        Instant deadline = clock.instant().plus(timeout);
        RendezvousStore calls = store.until(deadline, clock);
        Supplier<String> timeoutMessage = () -> "formation timed out after " + seconds(timeout) + ": the main node "
                + "(index " + node.mainIndex() + ") never published the certificates of node " + node.index() + " ("
                + key + ") at " + store.describe();
        byte[] bytes;
        if (signal == null) {
            pause(Polling.firstBundleLook(node.numNodes(), random), deadline);
            bytes = pollFor(calls, key, deadline, Polling.forBundle(node.numNodes()), timeoutMessage,
                    () -> failIfMainGaveUp(calls));
        } else {
            bytes = awaitSignalled(calls, key, deadline, signal, timeoutMessage);
        }
        return RecordCodec.readBundle(bytes, key, node.jobId(), node.attempt(), node.index(), node.numNodes());
    }

    /** A look after every notice, a slow poll without one, and done.json now and then. */
    private byte[] awaitSignalled(RendezvousStore calls, String key, Instant deadline, BundleSignal signal,
                                  Supplier<String> timeoutMessage) {
        Polling fallback = Polling.forBundle(node.numNodes())
                .withInitialAtLeast(Duration.ofSeconds(FALLBACK_FIRST_SECONDS));
        Duration interval = fallback.nominalAfter(null);
        Instant nextLook = clock.instant().plus(fallback.jittered(interval, random));
        Instant nextCheck = clock.instant().plus(MAIN_CHECK);
        while (true) {
            Duration wait = Duration.between(clock.instant(), min(min(nextLook, nextCheck), deadline));
            boolean rung;
            try {
                rung = signal.await(wait.isNegative() ? Duration.ZERO : wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RendezvousException("interrupted while waiting at " + store.describe(), e);
            }
            Instant now = clock.instant();
            if (rung || !now.isBefore(nextLook)) {
                Optional<byte[]> value = calls.get(key);
                if (value.isPresent()) {
                    return value.get();
                }
                if (!rung) {
                    interval = fallback.nominalAfter(interval);
                    nextLook = now.plus(fallback.jittered(interval, random));
                }
            }
            if (!now.isBefore(nextCheck)) {
                failIfMainGaveUp(calls);
                nextCheck = now.plus(MAIN_CHECK);
            }
            if (!now.isBefore(deadline)) {
                throw new RendezvousException(timeoutMessage.get());
            }
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private void requireRegistered() {
        if (self == null) {
            throw new IllegalStateException("register before forming the cluster");
        }
    }

    /** Says that this node has written its cluster files and serves SSH. */
    public void acknowledge() {
        store.put(RendezvousKeys.ready(node.index()), new byte[0]);
    }

    /** The main node waits until every node has installed its certificates and serves SSH. */
    public void awaitReady(Duration timeout) {
        awaitEveryIndex(RendezvousKeys.READY_PREFIX, "", timeout, missing -> "formation timed out: " + nodes(missing)
                + " received certificates but never acknowledged them at " + store.describe());
    }

    /**
     * Lists {@code prefix} until every node index has an object there; on timeout throws naming the missing ones.
     * In a large cluster the first interval grows with N (a quarter of a millisecond per node): workers need about
     * that long to notice their bundles, and a LIST of a thousand keys is not free.
     */
    private void awaitEveryIndex(String prefix, String suffix, Duration timeout,
                                 java.util.function.Function<TreeSet<Integer>, String> timeoutMessage) {
        Instant deadline = clock.instant().plus(timeout);
        RendezvousStore calls = store.until(deadline, clock);
        Polling polling = this.polling.withInitialAtLeast(Duration.ofMillis(node.numNodes() / 4));
        Duration interval = null;
        while (true) {
            TreeSet<Integer> missing = missing(calls.list(prefix), prefix, suffix);
            if (missing.isEmpty()) {
                return;
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new RendezvousException(timeoutMessage.apply(missing));
            }
            interval = polling.nominalAfter(interval);
            pause(polling.jittered(interval, random), deadline);
        }
    }

    /** Publishes the main node's result: workers exit when they see it. */
    public void publishDone(DoneRecord done) {
        store.put(RendezvousKeys.DONE, RecordCodec.write(done));
    }

    /**
     * A worker waits for the main node's result. Returns empty when the main node has been gone ({@code mainAlive}
     * false) for longer than {@code lease} without publishing one.
     */
    public Optional<DoneRecord> awaitDone(BooleanSupplier mainAlive, Duration lease) {
        Polling donePolling = polling.withMax(DONE_POLL_MAX);
        Duration interval = null;
        Instant nextPoll = clock.instant();
        Instant goneSince = null;
        while (true) {
            Instant now = clock.instant();
            boolean alive = mainAlive.getAsBoolean();
            if (alive) {
                goneSince = null;
            } else if (goneSince == null) {
                goneSince = now;
                nextPoll = now; // the main node just went away: its result should be there now
            }
            if (!now.isBefore(nextPoll)) {
                Optional<byte[]> done = store.get(RendezvousKeys.DONE);
                if (done.isPresent()) {
                    return Optional.of(RecordCodec.readDone(done.get(), RendezvousKeys.DONE));
                }
                interval = donePolling.nominalAfter(interval);
                nextPoll = now.plus(donePolling.jittered(interval, random));
            }
            if (goneSince != null && Duration.between(goneSince, now).compareTo(lease) > 0) {
                return Optional.empty();
            }
            Duration wait = Duration.between(now, nextPoll);
            sleep(wait.compareTo(LIVENESS_CHECK) < 0 ? (wait.isNegative() ? Duration.ZERO : wait) : LIVENESS_CHECK);
        }
    }

    /** Deletes every object of this attempt. */
    public void cleanUp() {
        store.deleteAll();
    }

    public int countRegistered() {
        return store.list(RendezvousKeys.NODES_PREFIX).size();
    }

    public int countReady() {
        return store.list(RendezvousKeys.READY_PREFIX).size();
    }

    /** A main node that failed to form the cluster says so in done.json: workers need not wait out their timeout. */
    private void failIfMainGaveUp(RendezvousStore calls) {
        Optional<byte[]> done = calls.get(RendezvousKeys.DONE);
        if (done.isPresent()) {
            DoneRecord record = RecordCodec.readDone(done.get(), RendezvousKeys.DONE);
            throw new RendezvousException("the main node gave up before the cluster formed: " + record.reason());
        }
    }

    private byte[] pollFor(RendezvousStore calls, String key, Instant deadline, Polling schedule,
                           Supplier<String> timeoutMessage, Runnable everyFewSeconds) {
        Instant nextCheck = clock.instant().plus(MAIN_CHECK);
        Duration interval = null;
        while (true) {
            Optional<byte[]> value = calls.get(key);
            if (value.isPresent()) {
                return value.get();
            }
            if (!clock.instant().isBefore(nextCheck)) {
                everyFewSeconds.run();
                nextCheck = clock.instant().plus(MAIN_CHECK);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new RendezvousException(timeoutMessage.get());
            }
            interval = schedule.nominalAfter(interval);
            pause(schedule.jittered(interval, random), deadline);
        }
    }

    private TreeSet<Integer> missing(List<String> keys, String prefix, String suffix) {
        TreeSet<Integer> missing = allIndices();
        missing.removeAll(present(keys, prefix, suffix));
        return missing;
    }

    /** The node indices that {@code keys} (under {@code prefix}, ending in {@code suffix}) name. */
    private TreeSet<Integer> present(List<String> keys, String prefix, String suffix) {
        TreeSet<Integer> present = new TreeSet<>();
        for (String key : keys) {
            String name = key.substring(prefix.length());
            if (!suffix.isEmpty() && name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
            try {
                int index = Integer.parseInt(name);
                if (index >= 0 && index < node.numNodes()) {
                    present.add(index);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            LOG.warn("ignoring unexpected rendezvous object {}{}", store.describe(), key);
        }
        return present;
    }

    private TreeSet<Integer> allIndices() {
        return IntStream.range(0, node.numNodes()).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    private void pause(Duration wait, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        sleep(wait.compareTo(left) > 0 ? (left.isNegative() ? Duration.ZERO : left) : wait);
    }

    private void sleep(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RendezvousException("interrupted while waiting at " + store.describe(), e);
        }
    }

    private static String nodes(TreeSet<Integer> indices) {
        String list = indices.stream().map(String::valueOf).collect(Collectors.joining(", "));
        return (indices.size() == 1 ? "node " : "nodes ") + list;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
