package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS path end to end: {@code mpi-batch submit --wait} against the Batch emulator, which runs each of the 3
 * nodes as a container of the node image, as Batch runs a multi-node job.
 */
class BatchEmulatorIT {
    private static EmulatedBatch aws;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        aws = EmulatedBatch.start(11);
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @Test
    void cHello_throughSubmitWait_printsEveryRanksLineLabelledByItsNode() throws Exception {
        Cli run = Cli.run(aws.env(home), aws.submitArgs("--wait", "--nodes", "3"), "submit",
                MotoServer.cHello().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String jobId = run.out().lines().findFirst().orElseThrow();
        Matcher m = Pattern.compile("^\\[node (\\d)] hello from rank (\\d) of 6 on (\\S+)$", Pattern.MULTILINE)
                .matcher(run.out());
        Map<String, String> nodeOfHost = new HashMap<>();
        java.util.Set<String> ranks = new java.util.TreeSet<>();
        while (m.find()) {
            ranks.add(m.group(2));
            assertThat(nodeOfHost.computeIfAbsent(m.group(3), h -> m.group(1))).as("one node label per host")
                    .isEqualTo(m.group(1));
        }
        assertThat(ranks).containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(nodeOfHost.values()).containsExactlyInAnyOrder("0", "0", "1", "1", "2", "2".substring(0, 1))
                .hasSize(3);
        aws.assertNothingLeft(jobId);
    }
}
