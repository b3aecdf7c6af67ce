package dev.mpibatch.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;

class BroadcastChainTest {
    private static NodeRecord node(int index) {
        return new NodeRecord("job", 1, index, "10.0.0." + (index + 2), 2222, 1, "h" + index,
                "ssh-ed25519 AAAA user", "ssh-ed25519 AAAA host", "t");
    }

    private static List<NodeRecord> nodes(int from, int to) {
        return IntStream.range(from, to).mapToObj(BroadcastChainTest::node).toList();
    }

    @Test
    void chains_upToTheMaximum_areOneChainInRosterOrder() {
        assertThat(BroadcastPlan.chains(nodes(1, 8)).groups()).containsExactly(nodes(1, 8));
        assertThat(BroadcastPlan.chains(nodes(1, 8)).fanout()).isEqualTo(1);
    }

    @Test
    void chains_atAThousandNodes_areSixteenOfNearlyEqualLength() {
        List<List<NodeRecord>> chains = BroadcastPlan.chains(nodes(1, 1000)).groups();

        assertThat(chains).hasSize(16).allSatisfy(c -> assertThat(c.size()).isBetween(62, 63));
        assertThat(chains.stream().flatMap(List::stream).toList()).isEqualTo(nodes(1, 1000));
    }

    @Test
    void tree_upToSixtyFourTargets_isOneRoundFromThisNodeToEveryOther() {
        BroadcastPlan tree = BroadcastPlan.tree(nodes(1, 32));

        assertThat(tree.groups()).hasSize(31).allSatisfy(g -> assertThat(g).hasSize(1));
        assertThat(tree.rounds()).isEqualTo(1);
    }

    @Test
    void tree_roundsGrowWithTheLogarithmOfTheNodes() {
        assertThat(BroadcastPlan.tree(nodes(1, 129)).rounds()).isEqualTo(2);    // 64 branches of 2
        assertThat(BroadcastPlan.tree(nodes(1, 1000)).rounds()).isEqualTo(3);   // 64 of 15-16: 4 children of 3-4
        assertThat(BroadcastPlan.tree(nodes(1, 1000)).groups().stream().flatMap(List::stream).toList())
                .isEqualTo(nodes(1, 1000));
        assertThat(BroadcastPlan.chains(nodes(1, 8)).rounds()).isEqualTo(7);
    }

    @Test
    void firstHops_areTheTreesBranchesAndTheChainsHeads_andChainHopsFollowEachChain() {
        assertThat(BroadcastPlan.firstHops(nodes(1, 8))).containsExactlyElementsOf(nodes(1, 8));
        // 16 chains' heads fall on heads of the tree's 64 branches: 64 connections serve both.
        assertThat(BroadcastPlan.firstHops(nodes(1, 1000))).hasSize(64)
                .containsAll(BroadcastPlan.chains(nodes(1, 1000)).groups().stream().map(c -> c.get(0)).toList());
        assertThat(BroadcastPlan.chainHops(nodes(1, 4))).extracting(h -> h[0].index() + ">" + h[1].index())
                .containsExactly("1>2", "2>3");
    }

    @Test
    void command_passesTheRestOfTheGroupAsPlainWordsThePathInBase64TheSizeAndTheFanout() {
        List<String> command = BroadcastRelay.command(Path.of("/run/s"), nodes(1, 3), Path.of("/w/it's a file"),
                "0750", 1234, 4);

        assertThat(command).containsExactly("ssh", "-F", "/run/s/ssh_config", "-p", "2222", "-c",
                "aes128-gcm@openssh.com", "-o", "SendEnv=SHLVL", "-T", "-x", "10.0.0.3", "sh", "/run/s/broadcast-relay", "1",
                "L3cvaXQncyBhIGZpbGU=", "0750", "1234", "4", "2", "10.0.0.4", "2222");
    }

    @Test
    void warmUp_opensTheHopsConnectionFromThePreviousNodeThroughOursAndKeepsIt() {
        List<String> command = BroadcastRelay.warmUp(Path.of("/run/s"), node(1), node(2));

        assertThat(command).containsExactly("ssh", "-n", "-F", "/run/s/ssh_config", "-p", "2222", "-c",
                "aes128-gcm@openssh.com", "-o", "SendEnv=SHLVL", "-T", "-x", "10.0.0.3", "ssh", "-n", "-F",
                "/run/s/ssh_config", "-p", "2222", "-c", "aes128-gcm@openssh.com", "-o", "SendEnv=SHLVL",
                "-o", "ControlMaster=auto", "-o", "ControlPath=/run/s/.bcm-%C", "-o",
                "ControlPersist=yes", "-T", "-x", "10.0.0.4", "true");
    }

    @Test
    void report_namesTheFailedNodeWithItsReasonAndTheNodesNeverReached() {
        String stderr = "mpi-batch-broadcast: node 1: ok\n"
                + "mpi-batch-broadcast: node 2: failed: cannot create directory /w: Not a directory\n";

        ChainReport report = ChainReport.parse(nodes(1, 5), stderr, 1);

        assertThat(report.succeeded()).isFalse();
        assertThat(report.describe()).isEqualTo("node 2 (10.0.0.4): cannot create directory /w: Not a directory; "
                + "never reached (no copy there): nodes 3, 4");
    }

    @Test
    void report_whenTheFirstHopRefuses_namesItWithSshsWords() {
        ChainReport report = ChainReport.parse(nodes(1, 3), "Host key verification failed.\n", 255);

        assertThat(report.describe()).isEqualTo("node 1 (10.0.0.3): no answer over ssh at 10.0.0.3 port 2222 "
                + "(exit 255): Host key verification failed.; never reached (no copy there): node 2");
    }

    @Test
    void report_whenEveryNodeSaysOk_succeeds() {
        String stderr = "mpi-batch-broadcast: node 1: ok\nmpi-batch-broadcast: node 2: ok\n";

        assertThat(ChainReport.parse(nodes(1, 3), stderr, 0).succeeded()).isTrue();
    }
}
