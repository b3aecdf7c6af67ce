package dev.mpibatch.testkit.batch;

import static dev.mpibatch.testkit.batch.FakeCatalog.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** Definitions merged with node overrides as the Batch API reference says they are. */
class JobMergeTest {
    private static JsonNode definition(String ranges, int numNodes, int mainNode) {
        return json("{\"jobDefinitionArn\":\"arn:def\",\"type\":\"multinode\",\"nodeProperties\":{\"numNodes\":" + numNodes
                + ",\"mainNode\":" + mainNode + ",\"nodeRangeProperties\":[" + ranges + "]}}");
    }

    private static String range(String target, String image, String env) {
        return "{\"targetNodes\":\"" + target + "\",\"container\":{\"image\":\"" + image + "\",\"command\":[\"run\","
                + "\"Ref::size\"],\"environment\":[" + env + "]}}";
    }

    @Test
    void numNodesOverride_withAnOpenEndedRange_setsTheCountAndExtendsTheRange() {
        JobMerge merge = JobMerge.of(definition(range("0:", "img", ""), 2, 0), json("{\"nodeOverrides\":{\"numNodes\":5}}"));

        assertThat(merge.numNodes()).isEqualTo(5);
        assertThat(merge.containers()).hasSize(5).allMatch(c -> c.path("image").asText().equals("img"));
        assertThat(merge.nodeProperties().path("numNodes").asInt()).isEqualTo(5);
    }

    @Test
    void numNodesOverride_withoutAnOpenEndedRange_isAClientError() {
        JsonNode closed = definition(range("0:0", "a", "") + "," + range("1:3", "b", ""), 4, 0);

        assertThatThrownBy(() -> JobMerge.of(closed, json("{\"nodeOverrides\":{\"numNodes\":3}}")))
                .isInstanceOf(BatchError.class).hasMessageContaining("open upper boundary");
    }

    @Test
    void numNodesOverride_atOrBelowTheOpenRangesStartOrTheMainNode_isAClientError() {
        JsonNode def = definition(range("0:1", "a", "") + "," + range("2:", "b", ""), 4, 0);
        assertThatThrownBy(() -> JobMerge.of(def, json("{\"nodeOverrides\":{\"numNodes\":2}}")))
                .hasMessageContaining("must start below the overridden node count");
        JsonNode mainLast = definition(range("0:", "a", ""), 4, 3);
        assertThatThrownBy(() -> JobMerge.of(mainLast, json("{\"nodeOverrides\":{\"numNodes\":3}}")))
                .hasMessageContaining("main node's index 3");
    }

    @Test
    void nestedRanges_theNarrowerOneWins() {
        JobMerge merge = JobMerge.of(definition(range("0:5", "wide", "") + "," + range("2:3", "narrow", ""), 6, 0),
                json("{}"));

        assertThat(merge.containers()).extracting(c -> c.path("image").asText())
                .containsExactly("wide", "wide", "narrow", "narrow", "wide", "wide");
    }

    @Test
    void rangesThatLeaveANodeOut_areAClientError() {
        assertThatThrownBy(() -> JobMerge.of(definition(range("0:1", "a", ""), 3, 0), json("{}")))
                .hasMessageContaining("node 2 of 3 is in no node range");
    }

    @Test
    void environmentOverrides_applyToTheirTargetNodesInOrder_andWinOverTheDefinitions() {
        JsonNode def = definition(range("0:", "img", "{\"name\":\"A\",\"value\":\"def\"},{\"name\":\"B\",\"value\":\"def\"}"), 3, 0);
        JsonNode submit = json("{\"nodeOverrides\":{\"nodePropertyOverrides\":["
                + "{\"targetNodes\":\"0:\",\"containerOverrides\":{\"environment\":[{\"name\":\"A\",\"value\":\"all\"}]}},"
                + "{\"targetNodes\":\"1:1\",\"containerOverrides\":{\"environment\":[{\"name\":\"C\",\"value\":\"one\"}],"
                + "\"command\":[\"other\"]}}]}}");

        JobMerge merge = JobMerge.of(def, submit);

        assertThat(JobMerge.environment(merge.containers().get(0))).containsExactly(
                java.util.Map.entry("A", "all"), java.util.Map.entry("B", "def"));
        assertThat(JobMerge.environment(merge.containers().get(1))).containsEntry("A", "all").containsEntry("C", "one");
        assertThat(merge.containers().get(1).path("command").toString()).isEqualTo("[\"other\"]");
        assertThat(JobMerge.environment(merge.containers().get(2))).doesNotContainKey("C");
    }

    @Test
    void anOverrideNamingAnAwsBatchVariable_isAClientError() {
        JsonNode submit = json("{\"nodeOverrides\":{\"nodePropertyOverrides\":[{\"targetNodes\":\"0:\","
                + "\"containerOverrides\":{\"environment\":[{\"name\":\"AWS_BATCH_JOB_ID\",\"value\":\"x\"}]}}]}}");

        assertThatThrownBy(() -> JobMerge.of(definition(range("0:", "img", ""), 2, 0), submit))
                .hasMessageContaining("AWS_BATCH_JOB_ID").hasMessageContaining("reserved");
    }

    @Test
    void parametersReplaceRefsInTheCommand_theSubmitsOverTheDefinitions() {
        JsonNode def = definition(range("0:", "img", ""), 1, 0);
        ((com.fasterxml.jackson.databind.node.ObjectNode) def).set("parameters", json("{\"size\":\"small\"}"));

        assertThat(JobMerge.of(def, json("{}")).containers().get(0).path("command").toString())
                .isEqualTo("[\"run\",\"small\"]");
        assertThat(JobMerge.of(def, json("{\"parameters\":{\"size\":\"big\"}}")).containers().get(0).path("command")
                .toString()).isEqualTo("[\"run\",\"big\"]");
    }

    @Test
    void targetNodes_parseAsTheApiReferenceSays() {
        assertThat(NodeRange.parse(":3").from()).isZero();
        assertThat(NodeRange.parse("2:").openEnded()).isTrue();
        assertThat(NodeRange.parse("2:").last(10)).isEqualTo(9);
        assertThat(NodeRange.parse("4").contains(4, 10)).isTrue();
        assertThatThrownBy(() -> NodeRange.parse("3:1")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> NodeRange.parse("a:b")).hasMessageContaining("not a node range");
    }
}
