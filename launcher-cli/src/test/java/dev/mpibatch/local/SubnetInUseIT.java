package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two local runs on one machine: a second run on the subnet of a live run, or of an interface, is refused at once
 * (exit 2) naming what uses it; without --subnet it takes a free one; two runs starting at the same moment on one
 * subnet cannot both get it.
 */
class SubnetInUseIT {
    /** Outside the automatic range's start, so that runs of other tests do not take it. */
    private static final String SUBNET = "10.219.0.0/24";
    private static final Pattern CHOSEN = Pattern.compile("namespace hosts in (\\S+)");

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @Test
    void theSubnetOfALiveRun_isRefusedAtOnceNamingTheRun() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("first.yaml"), "first", 2, "steps:", "  - sh: echo started; sleep 6");
        LocalRun.Running first = LocalRun.start(Map.of(), "local", job.toString(), "--subnet", SUBNET);
        first.awaitPrinted("[node 0] started", Duration.ofMinutes(2));
        String firstId = first.runId();

        long start = System.nanoTime();
        LocalRun.Running second = LocalRun.start(Map.of(), "local", job.toString(), "--subnet", SUBNET);
        LocalRun refused = second.await(Duration.ofMinutes(3));

        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(refused.err()).contains("--subnet " + SUBNET + " is in use on this machine by mpi-batch run local-"
                + firstId + " (bridge mpib" + firstId).contains("leave out --subnet");
        LocalRun done = first.await(Duration.ofMinutes(2));
        assertThat(done.exitCode()).as("the first run is unharmed:\n" + done.err()).isZero();
        Leftovers.assertNone(firstId);
    }

    @Test
    void withoutSubnet_aSecondRunTakesAFreeOne() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("auto.yaml"), "auto", 2, "steps:", "  - sh: echo started; sleep 5");
        LocalRun.Running first = LocalRun.start(Map.of(), "local", job.toString());
        first.awaitPrinted("[node 0] started", Duration.ofMinutes(2));

        LocalRun second = LocalRun.run(Map.of(), "local", job.toString());
        LocalRun firstDone = first.await(Duration.ofMinutes(2));

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(firstDone.exitCode()).as(firstDone.err()).isZero();
        assertThat(chosen(second.err())).isNotEqualTo(chosen(firstDone.err()));
    }

    @Test
    void theSubnetOfAnInterface_isRefusedNamingIt() throws Exception {
        String bridge = "mpbtestbr0";
        Commands.runQuietly(List.of("ip", "link", "del", bridge));
        Commands.run(List.of("ip", "link", "add", bridge, "type", "bridge"));
        try {
            Commands.run(List.of("ip", "addr", "add", "10.219.9.1/24", "dev", bridge));
            Path job = LocalRun.writeJob(temp.resolve("job.yaml"), "clash", 1, "steps:", "  - sh: echo never printed");

            LocalRun refused = LocalRun.run(Map.of(), "local", job.toString(), "--subnet", "10.219.9.128/25");

            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
            assertThat(refused.err()).contains("--subnet 10.219.9.128/25 is in use on this machine by interface "
                    + bridge + " (10.219.9.1/24)");
            assertThat(refused.out()).doesNotContain("never printed");
        } finally {
            Commands.runQuietly(List.of("ip", "link", "del", bridge));
        }
    }

    @Test
    void twoRunsStartingAtOnceOnOneSubnet_oneIsRefused() throws Exception {
        Path job = LocalRun.writeJob(temp.resolve("race.yaml"), "race", 2, "steps:", "  - sh: sleep 4");
        String subnet = "10.219.4.0/24";
        try (CliProcess a = CliProcess.start("local", job.toString(), "--subnet", subnet);
             CliProcess b = CliProcess.start("local", job.toString(), "--subnet", subnet)) {
            int exitA = a.await(Duration.ofMinutes(3));
            int exitB = b.await(Duration.ofMinutes(3));

            assertThat(List.of(exitA, exitB)).as(a.output() + "\n" + b.output()).containsExactlyInAnyOrder(0, 2);
            assertThat(exitA == 2 ? a.output() : b.output()).contains("--subnet " + subnet + " is in use");
        }
    }

    private static String chosen(String err) {
        Matcher m = CHOSEN.matcher(err);
        assertThat(m.find()).as(err).isTrue();
        return m.group(1);
    }
}
