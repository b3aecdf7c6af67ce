package dev.mpibatch.agent.liveness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main node's liveness beacon: every worker keeps one TCP connection to it and hears one byte every
 * {@code heartbeat}. Served by the agent itself on one thread (a selector), so a thousand workers cost the main node
 * a thousand idle sockets and a few hundred bytes a second, not the sshd process per worker per second that probing
 * sshd cost. When the job is done, {@link #release()} half-closes every connection (workers read EOF at once, then
 * done.json) and {@link #connections()} tells how many workers have not left yet.
 */
public final class MainBeacon implements AutoCloseable {
    /** How often the main node says it is alive; workers give up after {@link BeaconWatch#READ_TIMEOUT}. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(MainBeacon.class);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final long heartbeatMillis;
    private final Thread thread;
    private volatile boolean released;
    private volatile boolean closed;
    private volatile int connections;

    private MainBeacon(ServerSocketChannel server, Selector selector, Duration heartbeat) {
        this.server = server;
        this.selector = selector;
        this.heartbeatMillis = Math.max(1, heartbeat.toMillis());
        this.thread = new Thread(this::serve, "liveness-beacon");
        thread.setDaemon(true);
    }

    /** Listens on {@code address}, port {@code port} (0: any free port), and starts serving. */
    public static MainBeacon start(String address, int port, Duration heartbeat) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            Selector selector = Selector.open();
            server.bind(new InetSocketAddress(address, port), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            MainBeacon beacon = new MainBeacon(server, selector, heartbeat);
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

    /** How many workers are connected right now. */
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
                selector.select(Math.max(1, nextBeat - System.currentTimeMillis()));
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        accept(saidGoodbye);
                    } else if (key.isValid() && key.isReadable()) {
                        readOrDrop(key, sink);
                    }
                }
                selector.selectedKeys().clear();
                if (released && !saidGoodbye) {
                    forEachConnection(key -> ((SocketChannel) key.channel()).shutdownOutput());
                    saidGoodbye = true;
                }
                if (!saidGoodbye && System.currentTimeMillis() >= nextBeat) {
                    forEachConnection(key -> ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {1})));
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

    private void accept(boolean saidGoodbye) throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        connections++;
        if (saidGoodbye) {
            channel.shutdownOutput();
        }
    }

    /** Workers send nothing: a readable connection is one that ended (EOF or reset). */
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

    private void forEachConnection(ChannelAction action) {
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.channel() instanceof SocketChannel) {
                try {
                    action.apply(key);
                } catch (IOException e) {
                    drop(key);
                }
            }
        }
    }

    private void drop(SelectionKey key) {
        closeQuietly(key);
        connections--;
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
