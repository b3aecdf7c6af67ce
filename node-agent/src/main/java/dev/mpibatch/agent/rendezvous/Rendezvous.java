package dev.mpibatch.agent.rendezvous;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.NodeEnvironment;

/**
 * The rendezvous protocol for one node (see the README): register, roster, ready, done.
 * Every wait is bounded and a timeout names what never came. Requests grow as O(N) in all.
 */
public final class Rendezvous {
    private static final Logger LOG = LoggerFactory.getLogger(Rendezvous.class);
    /** Long jobs: a worker looks for done.json at most this often, and relies on the main node's sshd in between. */
    private static final Duration DONE_POLL_MAX = Duration.ofSeconds(30);
    private static final Duration LIVENESS_CHECK = Duration.ofSeconds(1);
    /** While waiting for the roster, how often a worker looks whether the main node gave up. */
    private static final Duration MAIN_CHECK = Duration.ofSeconds(3);

    private final RendezvousStore store;
    private final NodeEnvironment node;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Polling polling;
    private final RandomGenerator random;
    private NodeRecord self;

    public Rendezvous(RendezvousStore store, NodeEnvironment node, Clock clock, Sleeper sleeper, Polling polling,
                      RandomGenerator random) {
        this.store = store;
        this.node = node;
        this.clock = clock;
        this.sleeper = sleeper;
        this.polling = polling;
        this.random = random;
    }

    /** Publishes this node's record under {@code nodes/<index>.json}. */
    public void register(NodeRecord record) {
        RecordCodec.checkNode(record, RendezvousKeys.node(node.index()), node.jobId(), node.attempt());
        store.put(RendezvousKeys.node(node.index()), RecordCodec.write(record));
        self = record;
        LOG.info("registered node {} at {}", node.index(), store.describe());
    }

    /**
     * The cluster's roster. The main node gathers every record, checks them and publishes the roster; a worker waits
     * for the roster and checks that its own record is in it unchanged.
     */
    public Roster awaitRoster(Duration timeout) {
        if (self == null) {
            throw new IllegalStateException("register before awaiting the roster");
        }
        return node.isMain() ? gatherRoster(timeout) : readRoster(timeout);
    }

    private Roster gatherRoster(Duration timeout) {
        awaitEveryIndex(RendezvousKeys.NODES_PREFIX, ".json", timeout, missing -> "formation timed out after "
                + seconds(timeout) + ": " + nodes(missing) + " never registered (" + (node.numNodes() - missing.size())
                + " of " + node.numNodes() + " did) at " + store.describe());
        List<NodeRecord> records = new ArrayList<>();
        for (int i = 0; i < node.numNodes(); i++) {
            String key = RendezvousKeys.node(i);
            byte[] bytes = store.get(key).orElseThrow(() -> new RendezvousException(
                    "rendezvous record " + key + " was listed but cannot be read at " + store.describe()));
            records.add(RecordCodec.readNode(bytes, key, node.jobId(), node.attempt()));
        }
        checkDistinct(records);
        if (!records.get(node.index()).equals(self)) {
            throw new RendezvousException("the record of the main node " + node.index()
                    + " was overwritten by another agent: two agents claim index " + node.index());
        }
        Roster roster = new Roster(node.jobId(), node.attempt(), records);
        store.put(RendezvousKeys.ROSTER, RecordCodec.write(roster));
        LOG.info("all {} nodes registered; roster published", node.numNodes());
        return roster;
    }

    private Roster readRoster(Duration timeout) {
        byte[] bytes = pollFor(RendezvousKeys.ROSTER, timeout, () -> "formation timed out after " + seconds(timeout)
                + ": the main node (index " + node.mainIndex() + ") never published the roster at " + store.describe(),
                this::failIfMainGaveUp);
        Roster roster = RecordCodec.readRoster(bytes, RendezvousKeys.ROSTER);
        if (!roster.jobId().equals(node.jobId()) || roster.attempt() != node.attempt()
                || roster.nodes().size() != node.numNodes()) {
            throw new RendezvousException("the roster at " + store.describe() + " is for job " + roster.jobId()
                    + " attempt " + roster.attempt() + " with " + roster.nodes().size() + " nodes, not this job's "
                    + node.numNodes() + " nodes of attempt " + node.attempt());
        }
        for (int i = 0; i < roster.nodes().size(); i++) {
            RecordCodec.checkNode(roster.node(i), RendezvousKeys.node(i), node.jobId(), node.attempt());
        }
        if (!roster.node(node.index()).equals(self)) {
            throw new RendezvousException("the roster has another record for node " + node.index()
                    + " than this node registered: do two agents claim index " + node.index() + "?");
        }
        return roster;
    }

    /** Says that this node has written its cluster files and serves SSH. */
    public void acknowledge() {
        store.put(RendezvousKeys.ready(node.index()), new byte[0]);
    }

    /** The main node waits until every node has acknowledged the roster. */
    public void awaitReady(Duration timeout) {
        awaitEveryIndex(RendezvousKeys.READY_PREFIX, "", timeout, missing -> "formation timed out: " + nodes(missing)
                + " registered but never acknowledged the roster at " + store.describe());
    }

    /** Lists {@code prefix} until every node index has an object there; on timeout throws naming the missing ones. */
    private void awaitEveryIndex(String prefix, String suffix, Duration timeout,
                                 java.util.function.Function<TreeSet<Integer>, String> timeoutMessage) {
        Instant deadline = clock.instant().plus(timeout);
        Duration interval = null;
        while (true) {
            TreeSet<Integer> missing = missing(store.list(prefix), prefix, suffix);
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
    private void failIfMainGaveUp() {
        Optional<byte[]> done = store.get(RendezvousKeys.DONE);
        if (done.isPresent()) {
            DoneRecord record = RecordCodec.readDone(done.get(), RendezvousKeys.DONE);
            throw new RendezvousException("the main node gave up before the cluster formed: " + record.reason());
        }
    }

    private byte[] pollFor(String key, Duration timeout, java.util.function.Supplier<String> timeoutMessage,
                           Runnable everyFewSeconds) {
        Instant deadline = clock.instant().plus(timeout);
        Instant nextCheck = clock.instant().plus(MAIN_CHECK);
        Duration interval = null;
        while (true) {
            Optional<byte[]> value = store.get(key);
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
            interval = polling.nominalAfter(interval);
            pause(polling.jittered(interval, random), deadline);
        }
    }

    private TreeSet<Integer> missing(List<String> keys, String prefix, String suffix) {
        TreeSet<Integer> missing = IntStream.range(0, node.numNodes()).boxed().collect(Collectors.toCollection(TreeSet::new));
        for (String key : keys) {
            String name = key.substring(prefix.length());
            if (!suffix.isEmpty() && name.endsWith(suffix)) {
                name = name.substring(0, name.length() - suffix.length());
            }
            try {
                missing.remove(Integer.parseInt(name));
            } catch (NumberFormatException e) {
                LOG.warn("ignoring unexpected rendezvous object {}{}", store.describe(), key);
            }
        }
        return missing;
    }

    private static void checkDistinct(List<NodeRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            for (int j = i + 1; j < records.size(); j++) {
                NodeRecord a = records.get(i);
                NodeRecord b = records.get(j);
                if (a.address().equals(b.address()) && a.sshPort() == b.sshPort()) {
                    throw new RendezvousException("nodes " + i + " and " + j + " both registered " + a.address()
                            + ":" + a.sshPort() + ": two agents on one address, or a stale record");
                }
                if (a.hostKey().equals(b.hostKey()) || a.userKey().equals(b.userKey())) {
                    throw new RendezvousException("nodes " + i + " and " + j + " registered the same key: "
                            + "every node must make its own keys");
                }
            }
        }
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
