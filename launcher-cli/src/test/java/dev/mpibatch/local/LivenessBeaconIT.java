package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strangers on the main node's liveness beacon port during a job, from this machine (the bridge's address, not a
 * node's): an idle connection and one speaking garbage. They are refused, and the job ends as soon as its workers
 * leave, not when the strangers do.
 */
class LivenessBeaconIT {
    private static final Pattern MAIN_ADDRESS = Pattern.compile("\"mainAddress\"\\s*:\\s*\"([0-9.]+)\"");
    private static final Pattern BEACON_PORT = Pattern.compile("\"beaconPort\"\\s*:\\s*(\\d+)");

    @TempDir
    Path temp;

    @Test
    void idleAndGarbageClientsOnTheBeacon_areRefusedAndDoNotDelayTheJobsEnd() throws Exception {
        LocalRun.requireNamespaceCluster();
        Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "beacon", 2, "steps:", "  - sh: echo started; sleep 4");
        LocalRun.Running running = LocalRun.start(Map.of(), "local", job.toString());
        running.awaitPrinted("[node 0] started", Duration.ofMinutes(2));
        String id = running.runId();
        String bundle = Files.readString(Path.of("/run/mpi-batch/local-" + id, "rendezvous", "local-" + id,
                "attempt-1", "bundles", "1.json"));
        String main = find(MAIN_ADDRESS, bundle);
        int port = Integer.parseInt(find(BEACON_PORT, bundle));

        long start = System.nanoTime();
        try (Socket idle = new Socket(); Socket garbage = new Socket()) {
            idle.connect(new InetSocketAddress(main, port), 2000);
            garbage.connect(new InetSocketAddress(main, port), 2000);
            garbage.getOutputStream().write("GET / HTTP/1.1\r\nHost: beacon\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            boolean idleRefused = closedByPeer(idle);
            boolean garbageRefused = closedByPeer(garbage);
            LocalRun run = running.await(Duration.ofMinutes(2));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(run.exitCode()).as(run.err()).isZero();
            // The step had at most 4 s left; the main node used to wait 30 s for strangers to "leave".
            assertThat(took).as("from the strangers' connecting to the run's end").isLessThan(Duration.ofSeconds(20));
            assertThat(run.err()).doesNotContain("still connected after")
                    .contains("liveness beacon: refused a connection from");
            assertThat(idleRefused).as("the idle stranger is refused at once").isTrue();
            assertThat(garbageRefused).as("the garbage speaker is refused at once").isTrue();
        }
        Leftovers.assertNone(id);
    }

    /** Whether the other side closed the connection (EOF or reset) within 3 s; heartbeat bytes do not count. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        try {
            while (true) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) left);
                if (socket.getInputStream().read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertThat(m.find()).as(pattern + " in " + text).isTrue();
        return m.group(1);
    }
}
