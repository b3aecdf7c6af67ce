package dev.mpibatch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class PlanCodecTest {

    @Test
    void toJson_thenParse_givesTheSameSpec() {
        JobSpec spec = JobSpecValidator.validate(new JobSpec(1, "round-trip", 7, OptionalInt.of(3), "/work/dir",
                List.of("a.c", "data/in.txt"),
                new Timeouts(Duration.ofSeconds(90), Duration.ofMillis(1500), Duration.ofHours(1)), MpiImplementation.MPICH,
                List.of(new Step.Cc(List.of("-o", "a", "a.c")),
                        new Step.Broadcast(List.of("a", "/work/dir/data/in.txt")),
                        new Step.Mpi(Step.Launcher.RUN, List.of("--map-by", "node"), "./a",
                                List.of("$(rm -rf /)", "it's \"quoted\"", "caf\u00e9 \u2603", "")),
                        new Step.Sh("echo $MPI_BATCH_HOSTFILE | wc -l"))));

        assertThat(PlanParser.parse(PlanCodec.toJson(spec), "plan.json")).isEqualTo(spec);
    }

    @Test
    void toJson_thenParse_keepsDefaults() {
        JobSpec spec = JobSpecValidator.validate(new JobSpec(1, "defaults", 1, OptionalInt.empty(),
                JobSpec.DEFAULT_WORKING_DIR, List.of(), Timeouts.defaults(), MpiImplementation.AUTO, List.of(new Step.Sh("true"))));

        assertThat(PlanParser.parse(PlanCodec.toJson(spec), "plan.json")).isEqualTo(spec);
    }
}
