package dev.mpibatch.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 forwarding proxy in front of an S3 endpoint that misbehaves on purpose: it answers a seeded share of
 * requests with S3's {@code 503 SlowDown} or {@code 500 InternalError}, resets connections, holds requests for a
 * long delay, and adds latency to every request. Requests go upstream byte for byte (the Host header included), so
 * SigV4 signatures computed for the proxy's address still verify at the real server. One thread serves each client
 * connection, with keep-alive; so delays never serialise requests.
 *
 * <pre>{@code
 * try (S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint()))
 *         .faultRate(0.2).seed(42).start()) {
 *     // point clients at proxy.endpoint() ...
 *     ProxyStats stats = proxy.stats();
 * }
 * }</pre>
 */
public final class S3FaultProxy implements AutoCloseable {
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final long CONNECTION_STACK_BYTES = 256 * 1024;

    private final URI upstream;
    private final String bindAddress;
    private final int port;
    private final Duration latency;
    private final Duration delayFault;
    private final double faultRate;
    private final List<Fault> faults;
    private final boolean recordBodies;
    private final Random random;
    private final StatsRecorder stats = new StatsRecorder();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    private S3FaultProxy(Builder b) {
        upstream = Objects.requireNonNull(b.upstream, "upstream: set the S3 endpoint to forward to");
        if (!"http".equals(upstream.getScheme()) || upstream.getHost() == null || upstream.getPort() < 0) {
            throw new IllegalArgumentException("upstream " + upstream
                    + " must be http://host:port (the proxy forwards plain HTTP/1.1)");
        }
        bindAddress = b.bindAddress;
        port = b.port;
        latency = nonNegative(b.latency, "latency");
        delayFault = nonNegative(b.delayFault, "delayFault");
        if (!(b.faultRate >= 0 && b.faultRate <= 1)) {
            throw new IllegalArgumentException("faultRate " + b.faultRate + " must be between 0 and 1");
        }
        if (b.faultRate > 0 && b.faults.isEmpty()) {
            throw new IllegalArgumentException("faultRate " + b.faultRate + " needs at least one fault in faults()");
        }
        faultRate = b.faultRate;
        faults = List.copyOf(EnumSet.copyOf(b.faults.isEmpty() ? EnumSet.allOf(Fault.class) : b.faults));
        recordBodies = b.recordBodies;
        random = new Random(b.seed);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting connections; returns this proxy. */
    public S3FaultProxy start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the proxy is already started on " + endpoint());
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 4096);
        server = socket;
        Thread acceptor = new Thread(this::accept, "s3-fault-proxy-accept-" + socket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        return this;
    }

    /**
     * The URL clients use: {@code http://address:port}, where a wildcard bind address (0.0.0.0) reads 127.0.0.1
     * (namespace hosts reach the same port through their bridge's address).
     */
    public String endpoint() {
        ServerSocket socket = server;
        if (socket == null) {
            throw new IllegalStateException("the proxy is not started: call start() first");
        }
        InetAddress address = socket.getInetAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1" : address.getHostAddress();
        return "http://" + host + ":" + socket.getLocalPort();
    }

    /** The port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** What the proxy saw and did so far. */
    public ProxyStats stats() {
        return stats.snapshot();
    }

    /** Stops accepting and closes every open client connection. */
    @Override
    public void close() throws IOException {
        ServerSocket socket = server;
        if (socket != null) {
            socket.close();
        }
        for (Socket client : new ArrayList<>(clients)) {
            try {
                client.close();
            } catch (IOException e) {
                // Closing anyway; nothing else to release.
            }
        }
    }

    private void accept() {
        ServerSocket socket = server;
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                client.setTcpNoDelay(true);
                clients.add(client);
                Thread thread = new Thread(null, new ProxyConnection(client, this, stats),
                        "s3-fault-proxy-" + THREAD_IDS.incrementAndGet(), CONNECTION_STACK_BYTES);
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                // Closed by close(), or a failed accept: the loop condition decides.
            }
        }
    }

    void forget(Socket client) {
        clients.remove(client);
    }

    /** Draws whether the next request fails and how; one seeded sequence for the whole proxy. */
    Optional<Fault> nextFault() {
        if (faultRate == 0) {
            return Optional.empty();
        }
        synchronized (random) {
            return random.nextDouble() < faultRate
                    ? Optional.of(faults.get(random.nextInt(faults.size()))) : Optional.empty();
        }
    }

    String upstreamHost() {
        return upstream.getHost();
    }

    int upstreamPort() {
        return upstream.getPort();
    }

    Duration latency() {
        return latency;
    }

    Duration delayFault() {
        return delayFault;
    }

    boolean recordsBodies() {
        return recordBodies;
    }

    private static Duration nonNegative(Duration duration, String name) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException(name + " " + duration + " must be zero or positive");
        }
        return duration;
    }

    /** Settings of a proxy; every one has a default except {@link #upstream(URI)}. */
    public static final class Builder {
        private URI upstream;
        private String bindAddress = "127.0.0.1";
        private int port;
        private Duration latency = Duration.ZERO;
        private Duration delayFault = Duration.ofSeconds(3);
        private double faultRate;
        private long seed = 1;
        private Set<Fault> faults = EnumSet.allOf(Fault.class);
        private boolean recordBodies;

        private Builder() {
        }

        /** The S3 endpoint to forward to, {@code http://host:port}. Required. */
        public Builder upstream(URI upstream) {
            this.upstream = upstream;
            return this;
        }

        /** The local address to listen on (default 127.0.0.1; 0.0.0.0 for namespace hosts). */
        public Builder bindAddress(String bindAddress) {
            this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /** The port to listen on (default 0: any free port). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Added to every request before it is answered (default none); requests wait in parallel. */
        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        /** How long a {@link Fault#DELAY} holds a request before forwarding it (default 3 s). */
        public Builder delayFault(Duration delayFault) {
            this.delayFault = delayFault;
            return this;
        }

        /** The share of requests that meet a fault, 0 to 1 (default 0). */
        public Builder faultRate(double faultRate) {
            this.faultRate = faultRate;
            return this;
        }

        /** Seeds the draw of which requests fail and how (default 1). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The faults to draw from, with equal odds (default all). */
        public Builder faults(Set<Fault> faults) {
            this.faults = EnumSet.noneOf(Fault.class);
            this.faults.addAll(faults);
            return this;
        }

        /** Keeps the body of every write request for {@link ProxyStats#writes()} (default off). */
        public Builder recordBodies(boolean recordBodies) {
            this.recordBodies = recordBodies;
            return this;
        }

        /** A proxy with these settings, not yet listening. */
        public S3FaultProxy build() {
            return new S3FaultProxy(this);
        }

        /** Builds and starts a proxy. */
        public S3FaultProxy start() throws IOException {
            return build().start();
        }
    }
}
