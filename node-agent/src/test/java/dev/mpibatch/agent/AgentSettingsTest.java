package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AgentSettingsTest {

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_BATCH_JOB_NODE_INDEX", "1");
        env.put("AWS_BATCH_JOB_MAIN_NODE_INDEX", "0");
        env.put("AWS_BATCH_JOB_NUM_NODES", "2");
        env.put("AWS_BATCH_JOB_ID", "job-1#1");
        env.put("MPI_BATCH_PLAN", "s3://bucket/jobs/job-1/plan.json");
        env.put("MPI_BATCH_RENDEZVOUS", "s3://bucket/rendezvous");
        return env;
    }

    @Test
    void from_whenOnlyRequiredVariables_usesDefaults() {
        AgentSettings settings = AgentSettings.from(env());

        assertThat(settings.sshPort()).isEqualTo(AgentSettings.DEFAULT_SSH_PORT);
        assertThat(settings.stateDir()).isEqualTo(Path.of(AgentSettings.DEFAULT_STATE_DIR));
        assertThat(settings.s3Endpoint()).isEmpty();
        assertThat(settings.keepRendezvous()).isFalse();
        assertThat(settings.sharedFileSystem()).isFalse();
        assertThat(settings.node().jobId()).isEqualTo("job-1");
    }

    @Test
    void from_whenEverythingSet_readsEveryVariable() {
        Map<String, String> env = env();
        env.put("MPI_BATCH_S3_ENDPOINT", "http://127.0.0.1:9000");
        env.put("MPI_BATCH_SSH_PORT", "2022");
        env.put("MPI_BATCH_ADDRESS", "127.0.0.3");
        env.put("MPI_BATCH_SUBNET", "10.213.0.0/24");
        env.put("MPI_BATCH_STATE_DIR", "/run/mpi-batch/x");
        env.put("MPI_BATCH_WORK_DIR", "/run/mpi-batch/w");
        env.put("MPI_BATCH_SLOTS", "3");
        env.put("MPI_BATCH_FORMATION_TIMEOUT", "30s");
        env.put("MPI_BATCH_KEEP_RENDEZVOUS", "true");
        env.put("MPI_BATCH_SHARED_FS", "1");

        AgentSettings settings = AgentSettings.from(env);

        assertThat(settings.s3Endpoint()).contains("http://127.0.0.1:9000");
        assertThat(settings.sshPort()).isEqualTo(2022);
        assertThat(settings.address()).contains("127.0.0.3");
        assertThat(settings.subnet()).contains("10.213.0.0/24");
        assertThat(settings.workDir()).isEqualTo(Optional.of("/run/mpi-batch/w"));
        assertThat(settings.slots().getAsInt()).isEqualTo(3);
        assertThat(settings.formationTimeout()).contains(Duration.ofSeconds(30));
        assertThat(settings.keepRendezvous()).isTrue();
        assertThat(settings.sharedFileSystem()).isTrue();
    }

    @Test
    void from_whenPlanMissing_failsNamingVariable() {
        Map<String, String> env = env();
        env.remove("MPI_BATCH_PLAN");

        assertThatThrownBy(() -> AgentSettings.from(env)).hasMessageContaining("MPI_BATCH_PLAN is not set");
    }

    @Test
    void from_whenPortOutOfRange_failsNamingVariable() {
        Map<String, String> env = env();
        env.put("MPI_BATCH_SSH_PORT", "70000");

        assertThatThrownBy(() -> AgentSettings.from(env)).hasMessageContaining("MPI_BATCH_SSH_PORT=70000 is not a TCP port");
    }

    @Test
    void from_whenStateDirRelative_failsNamingVariable() {
        Map<String, String> env = env();
        env.put("MPI_BATCH_STATE_DIR", "state");

        assertThatThrownBy(() -> AgentSettings.from(env)).hasMessageContaining("MPI_BATCH_STATE_DIR='state' must be an absolute path");
    }

    @Test
    void from_whenFormationTimeoutNotADuration_failsNamingVariable() {
        Map<String, String> env = env();
        env.put("MPI_BATCH_FORMATION_TIMEOUT", "soon");

        assertThatThrownBy(() -> AgentSettings.from(env)).hasMessageContaining("MPI_BATCH_FORMATION_TIMEOUT='soon' is not a duration");
    }
}
