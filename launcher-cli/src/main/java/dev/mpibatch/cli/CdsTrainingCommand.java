package dev.mpibatch.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * {@code mpi-batch cds-training} (hidden): one complete submit against {@link CannedAws}, so that
 * {@code bin/mpi-batch} can record the classes a submit loads into a class-data-sharing archive
 * ({@code -XX:ArchiveClassesAtExit}). With the archive the JVM maps those classes instead of loading and verifying
 * them at every start, which roughly halves the CLI's start-up.
 */
@Command(name = "cds-training", hidden = true, description = "Run one submit against a canned local endpoint (for the CDS archive).")
final class CdsTrainingCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("mpi-batch-cds-");
        try (CannedAws aws = CannedAws.start()) {
            Files.writeString(dir.resolve("hello.c"), "int main(void) { return 0; }\n");
            Files.writeString(dir.resolve("job.yaml"), String.join("\n",
                    "schemaVersion: 1", "name: cds-training", "nodes: 2", "files: [hello.c]",
                    "steps:", "  - cc: [-o, hello, hello.c]", "  - broadcast: [hello]", "  - exec: {program: ./hello}", ""));
            Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "training", "AWS_SECRET_ACCESS_KEY", "training",
                    "AWS_REGION", "us-east-1");
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            PrintStream quiet = new PrintStream(sink, true, StandardCharsets.UTF_8);
            int code = Main.run(new String[] {"submit", dir.resolve("job.yaml").toString(), "--image", "training",
                    "--queue", "training", "--bucket", "mpi-batch-training", "--endpoint-url", aws.endpoint(),
                    "--job-role-arn", "arn:aws:iam::000000000000:role/training", "--instance-type", "c6i.large"},
                    quiet, quiet, env);
            if (code != 0) {
                throw new IllegalStateException("the training submit exited with " + code + ": "
                        + sink.toString(StandardCharsets.UTF_8).strip());
            }
            // The canned endpoint is plain HTTP, which skips TLS; AWS is HTTPS: load its TLS set-up into the archive too.
            UrlConnectionHttpClient.builder().build().close();
            return ExitCodes.OK;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
