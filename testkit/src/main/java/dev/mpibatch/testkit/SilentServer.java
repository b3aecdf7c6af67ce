package dev.mpibatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP endpoint that never answers, for testing that every wait is bounded: {@link #accepting} takes connections
 * and then neither reads nor writes; {@link #neverAccepting} has a full accept backlog, so a new connection's SYN
 * is dropped and the client's connect hangs. Its {@link #endpoint()} looks like any HTTP endpoint.
 *
 * <pre>{@code
 * try (SilentServer silent = SilentServer.accepting("127.0.0.1")) {
 *     client.endpointOverride(URI.create(silent.endpoint()));   // every call must time out, not hang
 * }
 * }</pre>
 */
public final class SilentServer implements AutoCloseable {
    private static final int MAX_FILLERS = 256;

    private final ServerSocket server;
    private final String host;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SilentServer(ServerSocket server, String host, boolean accept) {
        this.server = server;
        this.host = host;
        this.acceptor = accept ? new Thread(this::acceptForever, "silent-server-accept") : null;
        if (acceptor != null) {
            acceptor.setDaemon(true);
            acceptor.start();
        }
    }

    /** Binds {@code bindAddress} (e.g. 127.0.0.1, or 0.0.0.0 for namespaces) and accepts, then stays silent. */
    public static SilentServer accepting(String bindAddress) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 50);
        return new SilentServer(server, "127.0.0.1", true);
    }

    /**
     * Binds {@code bindAddress} with a backlog of one, never accepts, and fills the backlog with connections of its
     * own until a connect times out: from then on every new connection's SYN is dropped.
     */
    public static SilentServer neverAccepting(String bindAddress) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0), 1);
        SilentServer silent = new SilentServer(server, "127.0.0.1", false);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(target, 300);
                silent.held.add(filler);
            } catch (SocketTimeoutException e) {
                filler.close();
                return silent;
            }
        }
        silent.close();
        throw new IllegalStateException("the accept backlog of port " + server.getLocalPort() + " never filled after "
                + MAX_FILLERS + " connections (is net.ipv4.tcp_abort_on_overflow set?)");
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://" + host + ":" + port();
    }

    /** How many connections this server accepted (and left unanswered). */
    public int accepted() {
        return acceptor == null ? 0 : held.size();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                held.add(server.accept());
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
