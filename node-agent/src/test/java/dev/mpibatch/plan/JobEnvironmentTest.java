package dev.mpibatch.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The job's {@code env} and a step's: how they are read, checked, versioned and written into the plan. */
class JobEnvironmentTest {
    private static JobSpec parse(String text) {
        return PlanParser.parse(text, "job.yaml");
    }

    @Test
    void parse_readsJobAndStepEnv_numbersAsWritten() {
        JobSpec spec = parse(String.join("\n",
                "name: t",
                "nodes: 2",
                "env:",
                "  OMP_NUM_THREADS: 4",
                "  GREETING: 'hello world'",
                "  EMPTY: ''",
                "steps:",
                "  - sh: echo $GREETING",
                "    env: {GREETING: bonjour, EXTRA: '1'}",
                "  - exec: {program: ./a}",
                "    env: {OMP_NUM_THREADS: 1}",
                "  - cc: [-o, a, a.c]",
                ""));

        assertThat(spec.env()).containsExactly(Map.entry("EMPTY", ""), Map.entry("GREETING", "hello world"),
                Map.entry("OMP_NUM_THREADS", "4"));
        assertThat(spec.steps().get(0)).isEqualTo(new Step.Sh("echo $GREETING", Map.of("GREETING", "bonjour", "EXTRA", "1")));
        assertThat(spec.steps().get(1).env()).containsExactly(Map.entry("OMP_NUM_THREADS", "1"));
        assertThat(spec.steps().get(2).env()).isEmpty();
        assertThat(spec.schemaVersion()).as("env came with version 2").isEqualTo(2);
    }

    @Test
    void parse_withoutNewFields_isVersion1_soOlderAgentsStillRunIt() {
        assertThat(parse("name: t\nnodes: 2\nsteps:\n  - sh: x\n").schemaVersion()).isEqualTo(1);
    }

    @Test
    void parse_whenVersion1SaysItButUsesEnv_failsNamingTheVersionToWrite() {
        assertThatThrownBy(() -> parse("schemaVersion: 1\nname: t\nnodes: 2\nenv: {A: b}\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("job.yaml line 1: schemaVersion: 1 does not have env, which this job uses: it "
                        + "came with version 2; write schemaVersion: 2, or leave schemaVersion out");
    }

    @Test
    void parse_whenNameIsReservedOrInvalid_failsNamingTheFieldAndLine() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv:\n  AWS_BATCH_JOB_ID: x\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("job.yaml line 4: env.AWS_BATCH_JOB_ID: names starting with AWS_BATCH_ are set by "
                        + "AWS Batch on every node; pick another name");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nsteps:\n  - sh: x\n    env: {MPI_BATCH_HOSTFILE: /x}\n"))
                .hasMessageContaining("line 5: steps[0].env.MPI_BATCH_HOSTFILE: names starting with MPI_BATCH_ are set "
                        + "by mpi-batch on every node");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv:\n  '1X': a\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 4: env.1X: '1X' is not a variable name: use letters, digits and '_'");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv:\n  A.B: a\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 3: env.A.B: 'A.B' is not a variable name");
    }

    @Test
    void parse_whenValueIsABooleanNullOrList_failsSayingWhatToWrite() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv:\n  DEBUG: yes\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 4: env.DEBUG must be text, not 'true': put the value in quotes (YAML reads "
                        + "yes, no, on, off, true and false as booleans)");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv:\n  EMPTY:\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 4: env.EMPTY has no value: write EMPTY: '' for an empty one");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv: [A=b]\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("line 3: env must be a map of names to values, e.g. {OMP_NUM_THREADS: 4}, not a list");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nenv: {A: \"a\\0b\"}\nsteps:\n  - sh: x\n"))
                .hasMessageContaining("env.A: a value must be at most 64 KiB of text without NUL characters");
    }

    @Test
    void parse_whenABroadcastHasEnv_failsSayingWhereEnvGoes() {
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nsteps:\n  - broadcast: [a]\n    env: {A: b}\n"))
                .hasMessageContaining("line 5: steps[0].env: a broadcast runs no program, so it takes no env");
        assertThatThrownBy(() -> parse("name: t\nnodes: 2\nsteps:\n  - env: {A: b}\n"))
                .hasMessageContaining("steps[0] must be a map with exactly one step type");
    }

    @Test
    void withEnv_overridesTheFilesValues_andRefusesWhatTheFileWould() {
        JobSpec spec = parse("name: t\nnodes: 2\nenv: {A: file, B: file}\nsteps:\n  - sh: x\n");

        assertThat(spec.withEnv(Map.of("B", "flag", "C", "flag")).env())
                .containsExactly(Map.entry("A", "file"), Map.entry("B", "flag"), Map.entry("C", "flag"));
        JobSpec plain = parse("name: t\nnodes: 2\nsteps:\n  - sh: x\n");
        assertThat(plain.withEnv(Map.of("X", "1")).schemaVersion()).isEqualTo(2);
        assertThatThrownBy(() -> plain.withEnv(Map.of("MPI_BATCH_PLAN", "x")))
                .isInstanceOf(PlanException.class).hasMessageContaining("env.MPI_BATCH_PLAN: names starting with MPI_BATCH_");
    }

    @Test
    void planCodec_roundTripsEnv() {
        JobSpec spec = parse(String.join("\n", "name: t", "nodes: 2",
                "env: {OMP_NUM_THREADS: '2', QUOTES: \"it's \\\"x\\\" $HOME\", UNICODE: 'caf\u00e9 \u2603'}",
                "steps:", "  - run: {program: ./a}", "    env: {A: '1'}", "  - broadcast: [a]", ""));

        String json = PlanCodec.toJson(spec);

        assertThat(json).contains("\"schemaVersion\" : 2");
        assertThat(PlanParser.parse(json, "plan.json")).isEqualTo(spec);
        assertThat(JobEnvironment.nameProblem("OMP_NUM_THREADS")).isEmpty();
        assertThat(JobEnvironment.RESERVED_PREFIXES).isEqualTo(List.of("AWS_BATCH_", "MPI_BATCH_"));
    }
}
