package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * A bad value in the config file or the environment is reported as such (file or variable, key, value, fix), never
 * as a bad flag; what the job file sets is never taken from there.
 */
class ConfigFileTest {
    @TempDir
    Path home;

    private CliRun run(Map<String, String> extraEnv, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "PATH", System.getenv("PATH")));
        env.putAll(extraEnv);
        return CliRun.run(env, args);
    }

    private Path config(String text) throws Exception {
        Path file = home.resolve(".mpi-batch/config");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String job() {
        return Path.of(System.getProperty("mpiBatch.examples", "../examples")).resolve("c-hello/job.yaml").toString();
    }

    private CliRun dryRun(Map<String, String> env) {
        return run(env, "submit", job(), "--queue", "q", "--bucket", "bucket-1", "--image", "img:1", "--region",
                "us-east-1", "--vcpus", "2", "--memory", "4096", "--dry-run");
    }

    @Test
    void badValueInTheConfigFile_namesTheFileAndTheKey() throws Exception {
        Path file = config("retry-attempts=11\n");

        CliRun run = dryRun(Map.of());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("mpi-batch: " + file + " sets retry-attempts=11 (fix or remove it there, or "
                + "override it with --retry-attempts): --retry-attempts 11: Batch allows 1 to 10 attempts");
    }

    @Test
    void valueOfTheWrongType_inTheConfigFile_namesTheFileAndTheKey() throws Exception {
        Path file = config("gpus=two\n");

        CliRun run = dryRun(Map.of());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(file + " sets gpus=two").contains("'two' is not an int")
                .doesNotContain("Try 'mpi-batch submit --help'");
    }

    @Test
    void badBucketFromTheEnvironment_namesTheVariable() {
        CliRun run = run(Map.of("MPI_BATCH_BUCKET", "Not_A_Bucket"), "submit", job(), "--queue", "q", "--image", "img:1",
                "--region", "us-east-1", "--vcpus", "2", "--memory", "4096", "--dry-run");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("MPI_BATCH_BUCKET in the environment sets bucket=Not_A_Bucket")
                .contains("is not a valid S3 bucket name");
    }

    @Test
    void flagBeatsTheConfigFile() throws Exception {
        config("retry-attempts=11\n");

        CliRun run = run(Map.of(), "submit", job(), "--queue", "q", "--bucket", "bucket-1", "--image", "img:1",
                "--region", "us-east-1", "--vcpus", "2", "--memory", "4096", "--retry-attempts", "2", "--dry-run");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"attempts\" : 2");
    }

    @Test
    void unknownKey_isRefusedWithASuggestion() throws Exception {
        Path file = config("queu=mpi\n");

        CliRun run = dryRun(Map.of());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(file + ": unknown setting 'queu' (did you mean 'queue'?)");
    }

    @Test
    void nodesInTheConfigFile_isRefused_itWouldBeatEveryJobFile() throws Exception {
        Path file = config("nodes=8\n");

        CliRun run = dryRun(Map.of());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(file + ": nodes=8 cannot be a standing setting: nodes comes from the job file, "
                + "or from --nodes for one run; remove the line");
    }

    @Test
    void nodesFromTheEnvironment_isNotRead_theJobFileDecides() {
        CliRun run = dryRun(Map.of("MPI_BATCH_NODES", "7"));

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"numNodes\" : 3").doesNotContain("\"numNodes\" : 7");
    }

    @Test
    void helpWorks_withABrokenConfigFile() throws Exception {
        config("queu=mpi\n");

        assertThat(run(Map.of(), "submit", "--help").code()).isZero();
    }

    @Test
    void knownKeys_areExactlyTheStandingOptions() {
        CommandLine root = new CommandLine(new MpiBatchCommand(System.out, System.err, Map.of()));
        MpiBatchCommand.subcommandsFor(new String[0]).forEach((n, c) -> root.addSubcommand(n, c.get()));
        Set<String> options = new TreeSet<>();
        root.getSubcommands().values().forEach(sub -> sub.getCommandSpec().options().stream()
                .filter(o -> !o.hidden() && !o.usageHelp() && !o.versionHelp())
                .map(ConfigDefaults::name).forEach(options::add));

        Set<String> standing = new TreeSet<>(options);
        standing.removeIf(name -> !ConfigDefaults.KNOWN.contains(name));
        assertThat(ConfigDefaults.KNOWN).as("every known key is an option").isSubsetOf(options);
        Set<String> neither = new TreeSet<>(options);
        neither.removeAll(ConfigDefaults.KNOWN);
        neither.removeAll(ConfigDefaults.JOB_FILE_OWNS);
        assertThat(neither).as("options that are neither settings nor per-call").containsExactlyInAnyOrder(
                "verbose", "quiet", "stack-trace", "dry-run", "wait", "follow", "keep", "cleanup", "all", "node",
                "reason", "stack", "config", "status");
    }
}
