package dev.mpibatch.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NodeEnvironmentTest {

    private static Map<String, String> batchEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_BATCH_JOB_NODE_INDEX", "2");
        env.put("AWS_BATCH_JOB_MAIN_NODE_INDEX", "0");
        env.put("AWS_BATCH_JOB_NUM_NODES", "4");
        env.put("AWS_BATCH_JOB_ID", "0f1e2d3c-aaaa-bbbb-cccc-123456789abc#2");
        env.put("AWS_BATCH_JOB_ATTEMPT", "3");
        return env;
    }

    @Test
    void from_whenBatchWorkerEnvironment_readsEveryFieldAndStripsNodeSuffix() {
        NodeEnvironment node = NodeEnvironment.from(batchEnv());

        assertThat(node).isEqualTo(new NodeEnvironment(2, 0, 4, "0f1e2d3c-aaaa-bbbb-cccc-123456789abc", 3));
        assertThat(node.isMain()).isFalse();
    }

    @Test
    void from_whenIndexIsMainIndex_isMain() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_NODE_INDEX", "0");

        assertThat(NodeEnvironment.from(env).isMain()).isTrue();
    }

    @Test
    void from_whenAttemptMissing_defaultsToFirstAttempt() {
        Map<String, String> env = batchEnv();
        env.remove("AWS_BATCH_JOB_ATTEMPT");

        assertThat(NodeEnvironment.from(env).attempt()).isEqualTo(1);
    }

    @Test
    void from_whenNodeIndexMissing_failsNamingVariable() {
        Map<String, String> env = batchEnv();
        env.remove("AWS_BATCH_JOB_NODE_INDEX");

        assertThatThrownBy(() -> NodeEnvironment.from(env))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AWS_BATCH_JOB_NODE_INDEX is not set");
    }

    @Test
    void from_whenNumNodesNotNumeric_failsNamingVariableAndValue() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_NUM_NODES", "four");

        assertThatThrownBy(() -> NodeEnvironment.from(env))
                .hasMessageContaining("AWS_BATCH_JOB_NUM_NODES='four' is not a whole number");
    }

    @Test
    void from_whenIndexNotBelowNumNodes_failsNamingRange() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_NODE_INDEX", "4");

        assertThatThrownBy(() -> NodeEnvironment.from(env))
                .hasMessageContaining("AWS_BATCH_JOB_NODE_INDEX=4 is out of range: it must be from 0 to 3");
    }

    @Test
    void from_whenMainIndexNegative_failsNamingVariable() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_MAIN_NODE_INDEX", "-1");

        assertThatThrownBy(() -> NodeEnvironment.from(env)).hasMessageContaining("AWS_BATCH_JOB_MAIN_NODE_INDEX=-1");
    }

    @Test
    void from_whenNumNodesZero_failsNamingVariable() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_NUM_NODES", "0");

        assertThatThrownBy(() -> NodeEnvironment.from(env)).hasMessageContaining("AWS_BATCH_JOB_NUM_NODES=0 must be at least 1");
    }

    @Test
    void from_whenJobIdHasShellCharacters_failsNamingVariable() {
        Map<String, String> env = batchEnv();
        env.put("AWS_BATCH_JOB_ID", "job;rm -rf /#1");

        assertThatThrownBy(() -> NodeEnvironment.from(env)).hasMessageContaining("AWS_BATCH_JOB_ID='job;rm -rf /#1' is not a job id");
    }
}
