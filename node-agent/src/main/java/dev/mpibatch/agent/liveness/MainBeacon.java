package dev.mpibatch.agent.liveness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main node's liveness beacon: every worker keeps one TCP connection to it and hears one byte every
 * {@code heartbeat}. Served by the agent itself on one thread (a selector), so a thousand workers cost the main node
 * a thousand idle sockets and a few hundred bytes a second, not the sshd process per worker per second that probing
 * sshd cost. When the job is done, {@link #release()} half-closes every connection (workers read EOF at once, then
 * done.json) and {@link #connections()} tells how many workers have not left yet.
 *
 * <p>Only the cluster's workers get in: a connection must come from a worker's address and pass the
 * {@link BeaconHandshake} (a signature by that worker's host key over a fresh nonce) within
 * {@link BeaconHandshake#TIMEOUT}. Until then it is not counted, so a stray or hostile client (an idle connection, a
 * port scanner, garbage) can neither keep the main node waiting at the job's end nor receive heartbeats.
 */
public final class MainBeacon implements AutoCloseable {
    /** How often the main node says it is alive; workers give up after {@link BeaconWatch#READ_TIMEOUT}. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MainBeacon.class);
    /** Handshakes in progress at once; beyond that new connections are refused (a flood, not a cluster). */
    private static final int MAX_PENDING = 1024;

    private final ServerSocketChannel server;
    private final Selector selector;
    private final long heartbeatMillis;
    private final BeaconPeers peers;
    private final long handshakeMillis;
    private final Thread thread;
    private final Set<Integer> connected = new HashSet<>();
    private int pending;
    private volatile boolean released;
    private volatile boolean closed;
    private volatile int connections;

    /** A connection still in its handshake: what it was asked, by when it must answer, what it said so far. */
    private record Handshake(InetAddress source, byte[] nonce, long deadline, ByteBuffer answer) {
    }

    /** An authenticated worker's connection. */
    private record Worker(int index) {
    }

    private MainBeacon(ServerSocketChannel server, Selector selector, Duration heartbeat, BeaconPeers peers,
                       Duration handshakeTimeout) {
        this.server = server;
        this.selector = selector;
        this.heartbeatMillis = Math.max(1, heartbeat.toMillis());
        this.peers = peers;
        this.handshakeMillis = Math.max(1, handshakeTimeout.toMillis());
        this.thread = new Thread(this::serve, "liveness-beacon");
        thread.setDaemon(true);
    }

    /**
     * Listens on {@code address}, port {@code port} (0: any free port), and starts serving the workers of
     * {@code peers}.
     */
    public static MainBeacon start(String address, int port, Duration heartbeat, BeaconPeers peers) {
        return start(address, port, heartbeat, peers, BeaconHandshake.TIMEOUT);
    }

    /** The same with another handshake timeout (tests). */
    static MainBeacon start(String address, int port, Duration heartbeat, BeaconPeers peers, Duration handshakeTimeout) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            Selector selector = Selector.open();
            server.bind(new InetSocketAddress(address, port), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            MainBeacon beacon = new MainBeacon(server, selector, heartbeat, peers, handshakeTimeout);
            beacon.thread.start();
            return beacon;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the liveness beacon on " + address + " port " + port + ": "
                    + e.getMessage() + "; the main node needs one free TCP port on its cluster address", e);
        }
    }

    /** The port workers connect to. */
    public int port() {
        return server.socket().getLocalPort();
    }

    /** How many authenticated workers are connected right now. */
    public int connections() {
        return connections;
    }

    /** Tells every worker the main node is done: their connections end (EOF) while this side waits for them to leave. */
    public void release() {
        released = true;
        selector.wakeup();
    }

    /** Closes every connection and the listening socket; workers still connected see the main node gone at once. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        ByteBuffer sink = ByteBuffer.allocate(64);
        long nextBeat = System.currentTimeMillis() + heartbeatMillis;
        boolean saidGoodbye = false;
        try {
            while (!closed) {
                long wake = Math.min(nextBeat, earliestDeadline());
                selector.select(Math.max(1, wake - System.currentTimeMillis()));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid() && key.isReadable()) {
                        if (key.attachment() instanceof Handshake handshake) {
                            continueHandshake(key, handshake, saidGoodbye);
                        } else {
                            readOrDrop(key, sink);
                        }
                    }
                }
                selector.selectedKeys().clear();
                dropLateHandshakes();
                if (released && !saidGoodbye) {
                    forEachWorker(key -> ((SocketChannel) key.channel()).shutdownOutput());
                    saidGoodbye = true;
                }
                if (!saidGoodbye && System.currentTimeMillis() >= nextBeat) {
                    forEachWorker(key -> ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {BeaconHandshake.ACCEPTED})));
                    nextBeat = System.currentTimeMillis() + heartbeatMillis;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("liveness beacon stopped: {}", e.getMessage());
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            closeQuietly(selector);
            closeQuietly(server);
            connections = 0;
        }
    }

    /** A connection from anywhere but a worker's address is closed at once; a worker's gets the challenge. */
    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        InetAddress source = ((InetSocketAddress) channel.getRemoteAddress()).getAddress();
        if (!peers.isWorkerAddress(source) || pending >= MAX_PENDING) {
            LOG.warn("liveness beacon: refused a connection from {}: {}", source.getHostAddress(),
                    pending >= MAX_PENDING ? MAX_PENDING + " handshakes in progress already" : "not a worker's address");
            closeQuietly(channel);
            return;
        }
        byte[] nonce = BeaconHandshake.newNonce();
        channel.configureBlocking(false);
        // A few dozen bytes into a fresh socket's empty send buffer: written whole at once.
        channel.write(ByteBuffer.wrap(BeaconHandshake.challenge(nonce)));
        channel.register(selector, SelectionKey.OP_READ, new Handshake(source, nonce,
                System.currentTimeMillis() + handshakeMillis, ByteBuffer.allocate(8 + BeaconHandshake.MAX_SIGNATURE_BYTES)));
        pending++;
    }

    /** Reads what the client sent so far; once the answer is whole, lets the worker in or refuses the client. */
    private void continueHandshake(SelectionKey key, Handshake handshake, boolean saidGoodbye) {
        ByteBuffer answer = handshake.answer();
        int read;
        try {
            read = ((SocketChannel) key.channel()).read(answer);
        } catch (IOException e) {
            read = -1;
        }
        if (read < 0) {
            refuse(key, handshake, "closed the connection during the handshake");
            return;
        }
        if (answer.position() < 8) {
            return;
        }
        int index = answer.getInt(0);
        int length = answer.getInt(4);
        if (length <= 0 || length > BeaconHandshake.MAX_SIGNATURE_BYTES) {
            refuse(key, handshake, "sent no handshake answer (a signature of " + length + " bytes)");
            return;
        }
        if (answer.position() < 8 + length) {
            return;
        }
        if (answer.position() > 8 + length) {
            refuse(key, handshake, "sent more than a handshake answer");
            return;
        }
        byte[] signature = Arrays.copyOfRange(answer.array(), 8, 8 + length);
        Optional<String> refusal = peers.refusal(handshake.source(), index, handshake.nonce(), signature);
        if (refusal.isEmpty() && connected.contains(index)) {
            refusal = Optional.of("claims node " + index + ", which is connected already");
        }
        if (refusal.isPresent()) {
            refuse(key, handshake, refusal.get());
            return;
        }
        pending--;
        key.attach(new Worker(index));
        connected.add(index);
        connections++;
        try {
            ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {BeaconHandshake.ACCEPTED}));
            if (saidGoodbye) {
                ((SocketChannel) key.channel()).shutdownOutput();
            }
        } catch (IOException e) {
            drop(key);
        }
    }

    private long earliestDeadline() {
        long earliest = Long.MAX_VALUE;
        if (pending > 0) {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Handshake handshake) {
                    earliest = Math.min(earliest, handshake.deadline());
                }
            }
        }
        return earliest;
    }

    private void dropLateHandshakes() {
        if (pending == 0) {
            return;
        }
        long now = System.currentTimeMillis();
        for (SelectionKey key : Set.copyOf(selector.keys())) {
            if (key.attachment() instanceof Handshake handshake && now >= handshake.deadline()) {
                refuse(key, handshake, "did not complete the handshake within " + handshakeMillis + " ms");
            }
        }
    }

    private void refuse(SelectionKey key, Handshake handshake, String why) {
        LOG.warn("liveness beacon: refused a connection from {}: {}", handshake.source().getHostAddress(), why);
        pending--;
        closeQuietly(key);
    }

    /** Workers send nothing after the handshake: a readable connection is one that ended (EOF or reset). */
    private void readOrDrop(SelectionKey key, ByteBuffer sink) {
        try {
            sink.clear();
            if (((SocketChannel) key.channel()).read(sink) >= 0) {
                return;
            }
        } catch (IOException e) {
            // reset by the worker: it is gone all the same
        }
        drop(key);
    }

    private interface ChannelAction {
        void apply(SelectionKey key) throws IOException;
    }

    private void forEachWorker(ChannelAction action) {
        for (SelectionKey key : Set.copyOf(selector.keys())) {
            if (key.isValid() && key.attachment() instanceof Worker) {
                try {
                    action.apply(key);
                } catch (IOException e) {
                    drop(key);
                }
            }
        }
    }

    private void drop(SelectionKey key) {
        if (key.attachment() instanceof Worker worker && connected.remove(worker.index())) {
            connections--;
        }
        closeQuietly(key);
    }

    private static void closeQuietly(SelectionKey key) {
        key.cancel();
        closeQuietly(key.channel());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing on the way out: nothing left to do about it
        }
    }
}
