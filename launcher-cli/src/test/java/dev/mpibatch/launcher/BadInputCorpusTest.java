package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanException;
import dev.mpibatch.plan.PlanParser;

/**
 * The bad-input corpus ({@code src/test/resources/bad-jobs/index.txt}, plus the cases too big or too machine-specific
 * to keep as files) through the three ways in: {@code mpi-batch submit}, {@code mpi-batch local} and the library.
 * Each must refuse with a message naming the problem, exit code 2 (or a {@link PlanException}), and make not one AWS
 * request and nothing on disk.
 */
class BadInputCorpusTest {
    private static final List<String> AWS = List.of("--endpoint-url", "http://127.0.0.1:9", "--region", "us-east-1");

    @TempDir
    static Path generated;

    @TempDir
    Path home;

    /** A job file and the fragment its refusal must contain. */
    record Case(String name, Path job, String fragment) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException, URISyntaxException {
        Path corpus = Path.of(BadInputCorpusTest.class.getResource("/bad-jobs/index.txt").toURI()).getParent();
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("index.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int bar = line.indexOf(" | ");
            String file = line.substring(0, bar).trim();
            cases.add(new Case(file, corpus.resolve(file), line.substring(bar + 3).trim()));
        }
        cases.addAll(generatedCases());
        return cases.stream();
    }

    /**
     * Too big to keep in the repository, or depending on this machine's file system: also job "files" that are not
     * regular files (a directory, a FIFO, /proc/self/mem).
     */
    private static List<Case> generatedCases() throws IOException {
        List<Case> cases = new ArrayList<>();
        String head = "name: t\nnodes: 2\n";
        cases.add(generate("huge-string-10MB.yaml", head + "steps:\n  - sh: '" + "x".repeat(10 * 1024 * 1024) + "'\n",
                "the job file is larger than 1 MiB: put data in 'files' instead"));
        cases.add(generate("steps-100k.yaml", head + "steps:\n" + "  - sh: x\n".repeat(100_000),
                "steps: 100000 steps, more than 1000"));
        cases.add(generate("argument-over-64KiB.yaml", head + "steps:\n  - exec: {program: ./a, programArgs: ['"
                + "y".repeat(65 * 1024) + "']}\n", "steps[0].exec.programArgs[0]: an argument must be at most 64 KiB"));
        cases.add(generate("files-missing.yaml", head + "files: [gone.c]\nsteps:\n  - sh: x\n",
                "files[0]: gone.c not found next to the job file"));
        Path dir = Files.createDirectories(generated.resolve("symlink"));
        Files.deleteIfExists(dir.resolve("link.txt"));
        Files.createSymbolicLink(dir.resolve("link.txt"), Path.of("/etc/hostname"));
        cases.add(new Case("files-symlink-outside.yaml",
                Files.writeString(dir.resolve("files-symlink-outside.yaml"), head + "files: [link.txt]\nsteps:\n  - sh: x\n"),
                "files[0]: link.txt is a link to /etc/hostname, outside the job file's folder"));
        Path folder = Files.createDirectories(generated.resolve("c-hello"));
        Files.writeString(folder.resolve("job.yaml"), head + "steps:\n  - sh: x\n");
        cases.add(new Case("a-directory", folder, "job file " + folder + " is a directory: pass the job file inside "
                + "it, e.g. " + folder.resolve("job.yaml")));
        // Opening a FIFO waits for a writer: the refusal must come from its attributes alone.
        Path fifo = generated.resolve("fifo.yaml");
        if (!Files.exists(fifo)) {
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            try {
                assertThat(mkfifo.waitFor()).as("mkfifo " + fifo).isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted making " + fifo, e);
            }
        }
        cases.add(new Case("a-fifo", fifo, "job file " + fifo + " is not a regular file (a FIFO, socket or device)"));
        // A regular file by its attributes whose reading fails (EIO).
        cases.add(new Case("proc-self-mem", Path.of("/proc/self/mem"), "job file /proc/self/mem cannot be read"));
        return cases;
    }

    private static Case generate(String name, String text, String fragment) throws IOException {
        Path dir = Files.createDirectories(generated.resolve(name.replace('.', '-')));
        return new Case(name, Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8), fragment);
    }

    @BeforeEach
    void clear() {
        RecordingInterceptor.clear();
    }

    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "submit {0}")
    @MethodSource("cases")
    void submit_refusesWithExit2NamingTheProblem_andSendsNothing(Case bad) {
        List<String> tail = new ArrayList<>(List.of("--queue", "q", "--bucket", "bucket-1", "--image", "img:1"));
        tail.addAll(AWS);

        Cli run = Cli.run(Cli.isolatedEnvironment(home), tail, "submit", bad.job().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(bad.fragment()).doesNotContain("Exception").doesNotContain("internal error");
        assertThat(run.out()).isEmpty();
        assertThat(RecordingInterceptor.requests()).as("AWS requests for bad input").isEmpty();
    }

    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "local {0}")
    @MethodSource("cases")
    void local_refusesWithExit2NamingTheProblem_andCreatesNothing(Case bad) throws IOException {
        // Loopback mode keeps the run's directory under XDG_RUNTIME_DIR, which is this test's own.
        Cli run = Cli.run(Cli.isolatedEnvironment(home), List.of("--loopback"), "local", bad.job().toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(bad.fragment()).doesNotContain("Exception").doesNotContain("internal error")
                .doesNotContain("mpi-batch local: job");
        try (Stream<Path> made = Files.list(home)) {
            assertThat(made).as("files made by a refused run").isEmpty();
        }
        assertThat(RecordingInterceptor.requests()).isEmpty();
    }

    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @ParameterizedTest(name = "library {0}")
    @MethodSource("cases")
    void library_throwsPlanExceptionNamingTheProblem_andSendsNothing(Case bad) {
        AwsClients clients = new AwsClients(Optional.of("us-east-1"), Optional.of("http://127.0.0.1:9"), Optional.empty(),
                Cli.isolatedEnvironment(home));
        LauncherSettings settings = LauncherSettings.builder().queue("q").image("img:1").bucket("bucket-1").build();

        assertThatThrownBy(() -> {
            try (MpiBatchLauncher launcher = new MpiBatchLauncher(clients.batch(), clients.s3(), clients.logs(), settings)) {
                JobSpec spec = PlanParser.parse(bad.job());
                launcher.submit(spec, bad.job().toAbsolutePath().getParent());
            }
        }).isInstanceOf(PlanException.class).hasMessageContaining(bad.fragment());
        assertThat(RecordingInterceptor.requests()).isEmpty();
    }
}
