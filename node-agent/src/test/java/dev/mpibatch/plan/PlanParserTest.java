package dev.mpibatch.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanParserTest {
    private static final String C_HELLO = String.join("\n",
            "schemaVersion: 1",
            "name: c-hello",
            "nodes: 3",
            "slotsPerNode: 2",
            "files: [hello.c]",
            "timeouts: {formation: 2m}",
            "steps:",
            "  - cc: [-O2, -o, hello, hello.c]",
            "  - broadcast: [hello]",
            "  - exec: {program: ./hello}",
            "");

    @TempDir
    Path dir;

    private static JobSpec parse(String text) {
        return PlanParser.parse(text, "job.yaml");
    }

    private static String withSteps(String steps) {
        return "name: t\nnodes: 2\nsteps:\n" + steps;
    }

    @Test
    void parse_whenCHelloJob_readsEveryField() {
        JobSpec spec = parse(C_HELLO);

        assertThat(spec.name()).isEqualTo("c-hello");
        assertThat(spec.nodes()).isEqualTo(3);
        assertThat(spec.slotsPerNode()).isEqualTo(OptionalInt.of(2));
        assertThat(spec.files()).containsExactly("hello.c");
        assertThat(spec.workingDir()).isEqualTo(JobSpec.DEFAULT_WORKING_DIR);
        assertThat(spec.timeouts().formation()).isEqualTo(Duration.ofMinutes(2));
        assertThat(spec.timeouts().mainLease()).isEqualTo(Timeouts.DEFAULT_MAIN_LEASE);
        assertThat(spec.steps()).containsExactly(
                new Step.Cc(List.of("-O2", "-o", "hello", "hello.c")),
                new Step.Broadcast(List.of("hello")),
                new Step.Mpi(Step.Launcher.EXEC, List.of(), "./hello", List.of()));
    }

    @Test
    void parse_whenJson_readsTheSameJob() {
        String json = "{\"name\": \"c-hello\", \"nodes\": 3, \"slotsPerNode\": 2, \"files\": [\"hello.c\"],"
                + " \"timeouts\": {\"formation\": \"2m\"}, \"steps\": [{\"cc\": [\"-O2\", \"-o\", \"hello\", \"hello.c\"]},"
                + " {\"broadcast\": [\"hello\"]}, {\"exec\": {\"program\": \"./hello\"}}]}";

        assertThat(PlanParser.parse(json, "job.json")).isEqualTo(parse(C_HELLO));
    }

    @Test
    void parse_whenRunStepWithArgsAndShorthandExec_readsBoth() {
        JobSpec spec = parse(withSteps("  - run: {args: [--map-by, node, -n, 4], program: ./a, programArgs: [x, 1]}\n"
                + "  - exec: ./b\n  - sh: ls -l && echo done\n"));

        assertThat(spec.steps()).containsExactly(
                new Step.Mpi(Step.Launcher.RUN, List.of("--map-by", "node", "-n", "4"), "./a", List.of("x", "1")),
                new Step.Mpi(Step.Launcher.EXEC, List.of(), "./b", List.of()),
                new Step.Sh("ls -l && echo done"));
    }

    @Test
    void parse_whenShellMetacharactersInArgs_keepsThemLiterally() {
        JobSpec spec = parse(withSteps("  - exec: {program: ./a, programArgs: ['$(rm -rf /)', '; echo x', '`id`', 'a b']}\n"));

        assertThat(((Step.Mpi) spec.steps().get(0)).programArgs())
                .containsExactly("$(rm -rf /)", "; echo x", "`id`", "a b");
    }

    @Test
    void parse_whenMpiPinned_readsIt() {
        assertThat(parse("name: t\nnodes: 2\nmpi: mpich\nsteps:\n  - sh: x\n").mpi()).isEqualTo(MpiImplementation.MPICH);
        assertThat(parse(C_HELLO).mpi()).isEqualTo(MpiImplementation.AUTO);
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nmpi: lam\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("job.yaml line 3: mpi: 'lam' is not an MPI implementation: use auto, openmpi or mpich");
    }

    @Test
    void parse_whenUnknownTopLevelField_failsNamingFieldLineAndSuggestion() {
        assertThatThrownBy(() -> parse("name: t\nnode: 2\nsteps:\n  - sh: x\n"))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("job.yaml line 2: unknown field 'node' (did you mean 'nodes'?)");
    }

    @Test
    void parse_whenUnknownFieldInExec_failsNamingIt() {
        assertThatThrownBy(() -> parse(withSteps("  - exec: {program: ./a, arg: [x]}\n")))
                .hasMessageContaining("line 4").hasMessageContaining("unknown field 'arg'")
                .hasMessageContaining("args, program, programArgs");
    }

    @Test
    void parse_whenUnknownStepType_failsNamingStepLineAndTypes() {
        assertThatThrownBy(() -> parse(withSteps("  - sh: ok\n  - mpiexec: ./a\n")))
                .hasMessageContaining("job.yaml line 5: steps[1]: unknown step type 'mpiexec': use one of cc, broadcast, exec, run, sh");
    }

    @Test
    void parse_whenNodesZero_failsNamingNodesAndRange() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 0\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("job.yaml line 2: nodes: 0 is out of range: use 1 to 1000");
    }

    @Test
    void parse_whenNodesTooMany_failsNamingNodes() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 1001\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("nodes: 1001 is out of range");
    }

    @Test
    void parse_whenNodesNegative_failsNamingNodes() {
        assertThatThrownBy(() -> parse("name: t\nnodes: -3\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("nodes: -3 is out of range");
    }

    @Test
    void parse_whenNodesNotANumber_failsNamingTypeAndLine() {
        assertThatThrownBy(() -> parse("name: t\nnodes: three\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("job.yaml line 2: nodes must be a whole number, not 'three'");
    }

    @Test
    void parse_whenProgramEmpty_failsNamingProgram() {
        assertThatThrownBy(() -> parse(withSteps("  - exec: {program: ''}\n")))
                .hasMessageContaining("steps[0].exec.program: the program is empty");
    }

    @Test
    void parse_whenNameMissing_failsNamingName() {
        assertThatThrownBy(() -> parse("nodes: 2\nsteps:\n  - sh: x\n")).hasMessageContaining("name is missing");
    }

    @Test
    void parse_whenNoSteps_failsSayingToAddOne() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nsteps: []\n")).hasMessageContaining("steps: the plan has no steps");
    }

    @Test
    void parse_whenCcArgsEmpty_failsNamingStep() {
        assertThatThrownBy(() -> parse(withSteps("  - cc: []\n"))).hasMessageContaining("steps[0].cc: the list is empty");
    }

    @Test
    void parse_whenArgIsAMap_failsNamingItsPosition() {
        assertThatThrownBy(() -> parse(withSteps("  - cc: [-o, {a: b}]\n"))).hasMessageContaining("steps[0].cc[1] must be text");
    }

    @Test
    void parse_whenMalformedYaml_failsWithLine() {
        assertThatThrownBy(() -> parse("name: t\nnodes: [2\nsteps: x\n"))
                .hasMessageContaining("job.yaml line").hasMessageContaining("not valid YAML or JSON");
    }

    @Test
    void parse_whenDuplicateKey_failsNamingIt() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nnodes: 3\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 3: field 'nodes' appears twice");
    }

    @Test
    void parse_whenBadDuration_failsNamingTimeout() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\ntimeouts: {formation: soon}\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("timeouts.formation: 'soon' is not a duration");
    }

    @Test
    void parse_whenFilesEscapeTheWorkingDirectory_failsNamingPath() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nfiles: [../secret]\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("files[0]: '../secret' escapes the working directory");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nfiles: [/etc/passwd]\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("files[0]: '/etc/passwd' must be relative");
    }

    @Test
    void parse_whenBroadcastEscapes_failsNamingPath() {
        assertThatThrownBy(() -> parse(withSteps("  - broadcast: [a/../../b]\n")))
                .hasMessageContaining("steps[0].broadcast[0]: 'a/../../b' escapes the working directory");
    }

    @Test
    void parse_whenSchemaVersionUnknown_failsNamingSupportedVersion() {
        assertThatThrownBy(() -> parse("schemaVersion: 3\nname: t\nnodes: 2\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 1: schemaVersion: 3 is not supported: this mpi-batch reads versions 1 to 2 "
                        + "(a newer mpi-batch wrote it: upgrade this one, or the node image)");
    }

    @Test
    void parse_whenNotUtf8_failsNamingEncoding() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "name: caf\u00e9\nnodes: 2\nsteps:\n  - sh: x\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> PlanParser.parse(file)).hasMessageContaining("is not UTF-8 text");
    }

    @Test
    void parse_whenFileMissing_failsNamingPath() {
        assertThatThrownBy(() -> PlanParser.parse(dir.resolve("nope.yaml")))
                .isInstanceOf(PlanException.class).hasMessageContaining("nope.yaml does not exist");
    }

    @Test
    void parse_whenFileHuge_failsNamingSize() throws Exception {
        Path file = dir.resolve("huge.yaml");
        Files.writeString(file, "name: t\nnodes: 2\nsteps:\n  - sh: '" + "x".repeat(PlanParser.MAX_BYTES) + "'\n");

        assertThatThrownBy(() -> PlanParser.parse(file)).hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void parse_whenEmpty_failsSayingWhatIsNeeded() {
        assertThatThrownBy(() -> parse("")).hasMessageContaining("the job file is empty");
    }

    @Test
    void withNodes_whenOutOfRange_failsLikeTheFile() {
        assertThatThrownBy(() -> parse(C_HELLO).withNodes(0)).hasMessageContaining("nodes: 0 is out of range");
    }
}
