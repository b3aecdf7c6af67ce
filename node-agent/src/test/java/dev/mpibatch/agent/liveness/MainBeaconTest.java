package dev.mpibatch.agent.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.agent.ssh.SshKeys;

/** The beacon and a worker's watch over real sockets on loopback, with heartbeats fast enough for a unit test. */
class MainBeaconTest {
    private static final String MAIN = BeaconCluster.MAIN;
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

    @TempDir
    Path dir;

    BeaconCluster cluster;

    @BeforeEach
    void cluster() {
        cluster = new BeaconCluster(dir, 3);
    }

    @Test
    void workerSeesTheMainAliveWhileHeartbeatsFlow() throws InterruptedException {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             BeaconWatch watch = BeaconWatch.connect(MAIN, beacon.port(), READ_TIMEOUT, cluster.credentials(1))) {
            // Several read timeouts long: only the heartbeats keep the watch alive.
            Thread.sleep(READ_TIMEOUT.multipliedBy(3).toMillis());

            assertThat(watch.getAsBoolean()).isTrue();
            assertThat(beacon.connections()).isEqualTo(1);
        }
    }

    @Test
    void releaseTellsWorkersAtOnceAndCountsThemLeaving() {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, Duration.ofMinutes(1), cluster.peers());
             BeaconWatch first = BeaconWatch.connect(MAIN, beacon.port(), Duration.ofMinutes(1), cluster.credentials(1));
             BeaconWatch second = BeaconWatch.connect(MAIN, beacon.port(), Duration.ofMinutes(1), cluster.credentials(2))) {
            awaitTrue(() -> beacon.connections() == 2);

            beacon.release();

            // No heartbeat for a minute and a minute's read timeout: only the EOF can tell them.
            awaitTrue(() -> !first.getAsBoolean() && !second.getAsBoolean());
            assertThat(beacon.connections()).isEqualTo(2);
            first.close();
            awaitTrue(() -> beacon.connections() == 1);
            second.close();
            awaitTrue(() -> beacon.connections() == 0);
        }
    }

    @Test
    void closeEndsEveryConnectionAndLeavesNoThreadRunning() {
        MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
        BeaconWatch watch = BeaconWatch.connect(MAIN, beacon.port(), Duration.ofMinutes(1), cluster.credentials(1));
        assertThat(watch.getAsBoolean()).isTrue();

        beacon.close();

        awaitTrue(() -> !watch.getAsBoolean());
        watch.close();
        assertThat(threadsNamed("liveness-beacon")).isFalse();
        assertThat(threadsNamed("main-liveness")).isFalse();
    }

    @Test
    void aMainThatFallsSilentIsGoneAfterTheReadTimeout() throws IOException {
        // A machine that vanished sends neither heartbeats nor FIN: the connection stays open, silent. This one
        // answers the handshake, then says nothing more.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName(MAIN))) {
            Thread fake = new Thread(() -> acceptAnyAnswerThenFallSilent(silent));
            fake.setDaemon(true);
            fake.start();
            try (BeaconWatch watch = BeaconWatch.connect(MAIN, silent.getLocalPort(), READ_TIMEOUT, cluster.credentials(1))) {
                assertThat(watch.getAsBoolean()).isTrue();

                awaitTrue(() -> !watch.getAsBoolean());
            }
        }
    }

    @Test
    void aBeaconThatCannotBeReachedCountsAsGone() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(MAIN))) {
            closedPort = probe.getLocalPort();
        }

        try (BeaconWatch watch = BeaconWatch.connect(MAIN, closedPort, READ_TIMEOUT, cluster.credentials(1))) {
            assertThat(watch.getAsBoolean()).isFalse();
        }
    }

    @Test
    void aClientFromAnAddressOfNoWorker_isClosedAtOnceAndNeverCounted() throws IOException {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             Socket stranger = rawClient("127.0.0.99", beacon.port())) {
            stranger.setSoTimeout(2000);

            assertThat(stranger.getInputStream().read()).as("closed without a challenge or a heartbeat").isEqualTo(-1);
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void anIdleClientFromAWorkersAddress_isNeverCountedAndIsDroppedAfterTheHandshakeTimeout() throws IOException {
        Duration handshake = Duration.ofMillis(300);
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers(), handshake);
             Socket idle = rawClient(BeaconCluster.address(3), beacon.port())) {
            idle.setSoTimeout(5000);
            InputStream in = idle.getInputStream();
            assertThat(in.readNBytes(BeaconHandshake.CHALLENGE_BYTES)).startsWith(BeaconHandshake.MAGIC);
            assertThat(beacon.connections()).isZero();
            long start = System.nanoTime();

            assertThat(in.read()).as("dropped, with no heartbeat before").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void aClientSpeakingGarbage_isClosedAtOnce() throws IOException {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             Socket garbage = rawClient(BeaconCluster.address(2), beacon.port())) {
            garbage.setSoTimeout(2000);
            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = garbage.getInputStream();
            in.readNBytes(BeaconHandshake.CHALLENGE_BYTES);

            assertThat(in.read()).isEqualTo(-1);
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void anAnswerSignedByAnotherKey_isRefused() {
        var forger = SshKeys.generate(dir, "forger", "forger");
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             BeaconWatch forged = BeaconWatch.connect(MAIN, beacon.port(), READ_TIMEOUT,
                     cluster.credentials(1, BeaconCluster.address(1), forger))) {
            assertThat(forged.getAsBoolean()).isFalse();
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void aWorkersGenuineKeyFromAnotherWorkersAddress_isRefused() {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             BeaconWatch elsewhere = BeaconWatch.connect(MAIN, beacon.port(), READ_TIMEOUT,
                     cluster.credentials(1, BeaconCluster.address(2), cluster.hostKey(1)))) {
            assertThat(elsewhere.getAsBoolean()).isFalse();
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void theMainNodesOwnIndex_isRefused() {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, HEARTBEAT, cluster.peers());
             BeaconWatch main = BeaconWatch.connect(MAIN, beacon.port(), READ_TIMEOUT,
                     cluster.credentials(0, BeaconCluster.address(1), cluster.hostKey(0)))) {
            assertThat(main.getAsBoolean()).isFalse();
            assertThat(beacon.connections()).isZero();
        }
    }

    @Test
    void releaseWithAnIdleClientAndAGarbageClientConnected_waitsOnlyForTheWorkers() throws IOException {
        try (MainBeacon beacon = MainBeacon.start(MAIN, 0, Duration.ofMinutes(1), cluster.peers());
             Socket idle = rawClient(BeaconCluster.address(3), beacon.port());
             Socket garbage = rawClient("127.0.0.77", beacon.port());
             BeaconWatch worker = BeaconWatch.connect(MAIN, beacon.port(), Duration.ofMinutes(1), cluster.credentials(1))) {
            garbage.getOutputStream().write(new byte[] {0, 0, 0, 1, 0x7f, 0x7f, 0x7f, 0x7f});
            awaitTrue(() -> beacon.connections() == 1);

            beacon.release();
            awaitTrue(() -> !worker.getAsBoolean());
            worker.close();

            // The job's end waits for connections() to reach 0: the idle client still holds its socket open.
            awaitTrue(() -> beacon.connections() == 0);
            assertThat(idle.isClosed()).isFalse();
        }
    }

    private static Socket rawClient(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(MAIN, port), 2000);
        return socket;
    }

    /** A stand-in main node: sends a challenge, lets in whoever answers, then never writes again. */
    private static void acceptAnyAnswerThenFallSilent(ServerSocket server) {
        try {
            Socket accepted = server.accept();
            accepted.getOutputStream().write(BeaconHandshake.challenge(BeaconHandshake.newNonce()));
            accepted.getInputStream().readNBytes(8 + 83);
            accepted.getOutputStream().write(BeaconHandshake.ACCEPTED);
            // Held open, silent, until the test closes the server socket and its JVM ends.
            accepted.getInputStream().read();
        } catch (IOException e) {
            // the test is over
        }
    }

    private static boolean threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}
