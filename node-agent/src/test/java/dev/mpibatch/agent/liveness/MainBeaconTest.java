package dev.mpibatch.agent.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

/** The beacon and a worker's watch over real sockets on 127.0.0.1, with heartbeats fast enough for a unit test. */
class MainBeaconTest {
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);

    @Test
    void workerSeesTheMainAliveWhileHeartbeatsFlow() throws InterruptedException {
        try (MainBeacon beacon = MainBeacon.start(LOOPBACK, 0, HEARTBEAT);
             BeaconWatch watch = BeaconWatch.connect(LOOPBACK, beacon.port(), READ_TIMEOUT)) {
            // Several read timeouts long: only the heartbeats keep the watch alive.
            Thread.sleep(READ_TIMEOUT.multipliedBy(3).toMillis());

            assertThat(watch.getAsBoolean()).isTrue();
            assertThat(beacon.connections()).isEqualTo(1);
        }
    }

    @Test
    void releaseTellsWorkersAtOnceAndCountsThemLeaving() {
        try (MainBeacon beacon = MainBeacon.start(LOOPBACK, 0, Duration.ofMinutes(1));
             BeaconWatch first = BeaconWatch.connect(LOOPBACK, beacon.port(), Duration.ofMinutes(1));
             BeaconWatch second = BeaconWatch.connect(LOOPBACK, beacon.port(), Duration.ofMinutes(1))) {
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
        MainBeacon beacon = MainBeacon.start(LOOPBACK, 0, HEARTBEAT);
        BeaconWatch watch = BeaconWatch.connect(LOOPBACK, beacon.port(), Duration.ofMinutes(1));
        assertThat(watch.getAsBoolean()).isTrue();

        beacon.close();

        awaitTrue(() -> !watch.getAsBoolean());
        watch.close();
        assertThat(threadsNamed("liveness-beacon")).isFalse();
        assertThat(threadsNamed("main-liveness")).isFalse();
    }

    @Test
    void aMainThatFallsSilentIsGoneAfterTheReadTimeout() throws IOException {
        // A machine that vanished sends neither heartbeats nor FIN: the connection stays open, silent.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
             BeaconWatch watch = BeaconWatch.connect(LOOPBACK, silent.getLocalPort(), READ_TIMEOUT);
             Socket accepted = silent.accept()) {
            assertThat(watch.getAsBoolean()).isTrue();

            awaitTrue(() -> !watch.getAsBoolean());
            assertThat(accepted.isClosed()).isFalse();
        }
    }

    @Test
    void aBeaconThatCannotBeReachedCountsAsGone() throws IOException {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            closedPort = probe.getLocalPort();
        }

        try (BeaconWatch watch = BeaconWatch.connect(LOOPBACK, closedPort, READ_TIMEOUT)) {
            assertThat(watch.getAsBoolean()).isFalse();
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
