package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mpibatch.plan.PlanException;

class PlanLoaderTest {
    @TempDir
    Path dir;

    @Test
    void load_whenThePlanPathIsADirectoryOrMissing_saysWhichAndNeverOpensIt() throws Exception {
        Files.writeString(dir.resolve("job.yaml"), "name: t\nnodes: 1\nsteps:\n  - sh: x\n");

        assertThatThrownBy(() -> PlanLoader.load(dir.toString(), () -> null)).isInstanceOf(PlanException.class)
                .hasMessage("job file " + dir + " is a directory: pass the job file inside it, e.g. "
                        + dir.resolve("job.yaml"));
        assertThatThrownBy(() -> PlanLoader.load(dir.resolve("gone.json").toString(), () -> null))
                .isInstanceOf(PlanException.class).hasMessageContaining("does not exist: check MPI_BATCH_PLAN");
    }
}
