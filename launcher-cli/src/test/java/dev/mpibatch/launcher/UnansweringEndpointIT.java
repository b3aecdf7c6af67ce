package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.testkit.SilentServer;

/**
 * {@code mpi-batch submit} against an endpoint that never answers: a TCP listener that accepts and stays silent, and
 * one whose accept backlog is full. It must exit 3 within its documented bound ({@link AwsClients#CALL_TIMEOUT}: the
 * first calls run in parallel), naming the endpoint. The assertion's bound is generous (correctness, not speed);
 * before the clients had call timeouts this took 377 s.
 */
class UnansweringEndpointIT {
    @TempDir
    Path home;

    @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "endpoint {0}")
    @ValueSource(strings = {"accepting", "never-accepting"})
    void submit_whenTheEndpointNeverAnswers_exits3WithinTheBoundNamingIt(String kind) throws Exception {
        try (SilentServer silent = kind.equals("accepting")
                ? SilentServer.accepting("127.0.0.1") : SilentServer.neverAccepting("127.0.0.1")) {
            long start = System.nanoTime();
            List<String> flags = new java.util.ArrayList<>(List.of("--queue", "q", "--bucket", "bucket-1", "--image",
                    "img:1", "--region", "us-east-1", "--endpoint-url", silent.endpoint()));
            flags.addAll(MotoServer.JOB_ROLE_AND_SIZE);
            Cli run = Cli.run(Cli.isolatedEnvironment(home), flags, "submit", MotoServer.cHello().toString());
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).contains("no answer from " + silent.endpoint() + " to ")
                    .contains("within " + AwsClients.CALL_TIMEOUT.toSeconds() + "s")
                    .doesNotContain("internal error");
            assertThat(seconds).as("seconds to exit").isLessThan(AwsClients.CALL_TIMEOUT.toSeconds() + 30);
            System.out.printf("submit against an endpoint %s: exit %d after %d s: %s%n", kind, run.exitCode(),
                    seconds, run.err().strip());
        }
    }
}
