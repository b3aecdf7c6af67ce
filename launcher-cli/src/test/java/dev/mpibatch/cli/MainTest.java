package dev.mpibatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process: exit codes and messages a user sees; none of these cases starts anything. */
class MainTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.run(Map.of("PATH", System.getenv("PATH")), args);
    }

    @Test
    void version_printsTheVersion() {
        CliRun run = run("--version");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("mpi-batch ");
    }

    @Test
    void unknownOption_isAUsageError() {
        CliRun run = run("local", "job.yaml", "--nodez", "3");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Unknown options: '--nodez'").contains("Possible solutions: --nodes");
    }

    @Test
    void nodesNotANumber_isAUsageError() {
        CliRun run = run("local", "job.yaml", "--nodes", "three");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--nodes").contains("three");
    }

    @Test
    void nodesZero_isAUsageErrorNamingTheFlag() {
        CliRun run = run("local", "job.yaml", "--nodes", "0");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--nodes 0: use 1 to 1000");
    }

    @Test
    void endpointWithoutRendezvous_isAConflict() {
        CliRun run = run("local", "job.yaml", "--endpoint-url", "http://127.0.0.1:9000");

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--endpoint-url goes with --rendezvous");
    }

    @Test
    void missingJobFile_isBadInputNamingTheFile() {
        CliRun run = run("local", dir.resolve("nope.yaml").toString());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("nope.yaml does not exist");
    }

    @Test
    void invalidJobFile_isBadInputNamingFieldAndLine() throws Exception {
        Path job = Files.writeString(dir.resolve("job.yaml"), "name: t\nnodes: 2\nsteps:\n  - mpiexec: ./a\n");

        CliRun run = run("local", job.toString());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("line 4: steps[0]: unknown step type 'mpiexec'");
        assertThat(run.err()).doesNotContain("Exception");
    }

    @Test
    void stagedFileMissing_isBadInputBeforeAnythingIsCreated() throws Exception {
        Path job = Files.writeString(dir.resolve("job.yaml"), "name: t\nnodes: 2\nfiles: [gone.c]\nsteps:\n  - sh: x\n");

        CliRun run = run("local", job.toString(), "--agent-jar", Files.createFile(dir.resolve("agent.jar")).toString());

        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("files[0]: gone.c not found next to the job file");
    }

    @Test
    void noCommand_isAUsageError() {
        assertThat(run().code()).isEqualTo(ExitCodes.USAGE);
    }
}
