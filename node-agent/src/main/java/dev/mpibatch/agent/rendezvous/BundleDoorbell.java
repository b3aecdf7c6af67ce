package dev.mpibatch.agent.rendezvous;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker hears that its bundle is in the store without polling S3 for it: while it waits, it listens on a
 * port of its cluster address (in its record, {@link NodeRecord#notifyPort()}), and the main node, once it has
 * written the worker's bundle, connects and sends one byte. The worker then reads the bundle at once. S3 stays where
 * keys and records are exchanged; a ring carries nothing but "look now", so one from anybody else costs at most an
 * early read (and a read follows a ring at most once per {@link #MIN_RING_INTERVAL}); the worker still looks now and then on
 * its own in case no ring comes (a firewall, a lost connection).
 *
 * <p>Why not the main node's liveness beacon: a worker learns the beacon's port, and the authority it proves itself
 * against, from the bundle itself.
 */
public final class BundleDoorbell implements BundleSignal, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BundleDoorbell.class);
    /** The main node gives up ringing a worker that does not answer this fast: the worker looks by itself. */
    private static final int RING_TIMEOUT_MILLIS = 2000;
    private static final Duration MIN_RING_INTERVAL = Duration.ofMillis(50);

    private final ServerSocket server;
    private final Semaphore rung = new Semaphore(0);
    private volatile long lastRing = System.nanoTime() - MIN_RING_INTERVAL.toNanos();

    private BundleDoorbell(ServerSocket server) {
        this.server = server;
        Thread listener = new Thread(this::listen, "bundle-doorbell");
        listener.setDaemon(true);
        listener.start();
    }

    /**
     * Listens on a free port of {@code address} (the node's cluster address).
     *
     * @throws UncheckedIOException when no port can be had there
     */
    public static BundleDoorbell open(String address) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 64);
            return new BundleDoorbell(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + " for the main node's notice that the "
                    + "certificates are ready: " + e.getMessage(), e);
        }
    }

    /** The port to publish in the node's record. */
    public int port() {
        return server.getLocalPort();
    }

    private void listen() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(RING_TIMEOUT_MILLIS);
                InputStream in = socket.getInputStream();
                if (in.read() >= 0 && rung.availablePermits() == 0) {
                    rung.release();
                }
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.debug("doorbell connection: {}", e.getMessage());
            }
        }
    }

    @Override
    public boolean await(Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long sinceLast = start - lastRing;
        long limit = Math.max(0, timeout.toNanos());
        if (sinceLast < MIN_RING_INTERVAL.toNanos()) {
            // Rings from anybody but the main node must not turn into a stream of reads.
            TimeUnit.NANOSECONDS.sleep(Math.min(limit, MIN_RING_INTERVAL.toNanos() - sinceLast));
        }
        long left = limit - (System.nanoTime() - start);
        boolean ring = rung.tryAcquire(Math.max(0, left), TimeUnit.NANOSECONDS);
        rung.drainPermits();
        if (ring) {
            lastRing = System.nanoTime();
        }
        return ring;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the doorbell: {}", e.getMessage());
        }
    }

    /**
     * The main node's side: tells the node at {@code address}:{@code port} that its bundle is written, connecting
     * from {@code from} (the main node's cluster address). Best effort: false when the node could not be told.
     */
    public static boolean ring(String from, String address, int port) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), RING_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(1);
            out.flush();
            return true;
        } catch (IOException e) {
            LOG.debug("could not tell {}:{} that its certificates are ready: {}", address, port, e.getMessage());
            return false;
        }
    }
}
