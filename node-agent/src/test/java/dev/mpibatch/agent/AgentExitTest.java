package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A failing step's exit code reaches the user, unless it would read as the agent's own (2, 3, 4). */
class AgentExitTest {
    @Test
    void ofStep_passesTheStepsCodeThrough() {
        assertThat(AgentExit.ofStep(0)).isZero();
        assertThat(AgentExit.ofStep(1)).isEqualTo(1);
        assertThat(AgentExit.ofStep(5)).isEqualTo(5);
        assertThat(AgentExit.ofStep(124)).isEqualTo(124);
        assertThat(AgentExit.ofStep(139)).isEqualTo(139);
    }

    @Test
    void ofStep_reportsTheAgentsOwnCodesAsFailed() {
        assertThat(AgentExit.ofStep(AgentExit.BAD_INPUT)).isEqualTo(AgentExit.FAILED);
        assertThat(AgentExit.ofStep(AgentExit.FORMATION_FAILED)).isEqualTo(AgentExit.FAILED);
        assertThat(AgentExit.ofStep(AgentExit.INTERNAL)).isEqualTo(AgentExit.FAILED);
    }
}
