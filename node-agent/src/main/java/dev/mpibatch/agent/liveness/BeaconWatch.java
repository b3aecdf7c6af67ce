package dev.mpibatch.agent.liveness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's view of the main node: one connection to its {@link MainBeacon}, read by a daemon thread. The main node
 * is gone when the connection ends (EOF, reset) or stays silent for the read timeout (a machine that vanished sends
 * no FIN). {@link #getAsBoolean()} only reads a flag: checking costs nothing on either node.
 */
public final class BeaconWatch implements BooleanSupplier, AutoCloseable {
    /** Three missed heartbeats. */
    public static final Duration READ_TIMEOUT = MainBeacon.HEARTBEAT.multipliedBy(3);
    private static final Logger LOG = LoggerFactory.getLogger(BeaconWatch.class);
    private static final int CONNECT_ATTEMPTS = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration CONNECT_RETRY = Duration.ofSeconds(1);

    private final Socket socket;
    private final Thread reader;
    private volatile boolean alive;

    private BeaconWatch(Socket socket) {
        this.socket = socket;
        this.alive = socket != null;
        this.reader = new Thread(this::read, "main-liveness");
        reader.setDaemon(true);
    }

    /**
     * Connects to the main node's beacon from this node's address and proves who it is (see {@link BeaconHandshake}),
     * trying a few times. A main node that cannot be reached, or that refuses the handshake, counts as gone: the
     * worker then waits out its lease for done.json, as it would had the main node died a moment later.
     */
    public static BeaconWatch connect(String address, int port, Duration readTimeout, BeaconCredentials credentials) {
        for (int attempt = 1; attempt <= CONNECT_ATTEMPTS; attempt++) {
            Socket socket = new Socket();
            try {
                // From the node's own address: the one in its record, which the main node checks.
                socket.bind(new InetSocketAddress(credentials.localAddress(), 0));
                socket.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
                handshake(socket, credentials);
                socket.setSoTimeout((int) readTimeout.toMillis());
                BeaconWatch watch = new BeaconWatch(socket);
                watch.reader.start();
                return watch;
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                LOG.warn("cannot reach the main node's liveness beacon at {} port {} (attempt {} of {}): {}",
                        address, port, attempt, CONNECT_ATTEMPTS, e.getMessage());
                if (attempt < CONNECT_ATTEMPTS && !pause()) {
                    break;
                }
            }
        }
        return new BeaconWatch(null);
    }

    /** Reads the main node's challenge, answers it, and waits for the main node to let this worker in. */
    private static void handshake(Socket socket, BeaconCredentials credentials) throws IOException {
        socket.setSoTimeout((int) BeaconHandshake.TIMEOUT.toMillis());
        byte[] challenge = socket.getInputStream().readNBytes(BeaconHandshake.CHALLENGE_BYTES);
        byte[] nonce = BeaconHandshake.nonceOf(challenge);
        if (nonce == null) {
            throw new IOException("no beacon challenge (got " + challenge.length + " bytes that are not one): "
                    + "is this port the main node's beacon?");
        }
        OutputStream out = socket.getOutputStream();
        out.write(credentials.answer(nonce));
        out.flush();
        if (socket.getInputStream().read() != BeaconHandshake.ACCEPTED) {
            throw new IOException("the main node refused this node's handshake (its log says why)");
        }
    }

    /** Whether the main node was still there at its last heartbeat. */
    @Override
    public boolean getAsBoolean() {
        return alive;
    }

    /** Ends the connection: the main node counts this worker as gone. */
    @Override
    public void close() {
        alive = false;
        if (socket != null) {
            closeQuietly(socket);
            try {
                reader.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Leaves the socket open when the main node goes: {@link #close()} ends it, once the worker is leaving. */
    private void read() {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // a heartbeat: still alive
            }
            LOG.info("the main node closed its liveness connection");
        } catch (IOException e) {
            if (alive) {
                LOG.info("the main node's liveness connection failed: {}", e.getMessage());
            }
        } finally {
            alive = false;
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(CONNECT_RETRY.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing on the way out: nothing left to do about it
        }
    }
}
