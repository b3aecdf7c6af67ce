package dev.mpibatch.agent.mpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

class OpenMpiOutputLabelerTest {
    private static NodeRecord node(int index, String address, String hostname) {
        return new NodeRecord("job", 1, index, address, 2222, 1, hostname, "u", "h", "t");
    }

    @Test
    void line_relabelsRankOutputWithTheNodeFromTheJobMap() {
        Roster roster = new Roster("job", 1, List.of(node(0, "10.0.0.2", "main-host"), node(1, "10.0.0.3", "w1")));
        List<String> out = new ArrayList<>();
        OpenMpiOutputLabeler labeler = new OpenMpiOutputLabeler(roster, (t, e) -> out.add((e ? "E " : "O ") + t));
        for (String line : List.of(
                " Data for JOB [18791,1] offset 0 Total slots allocated 2",
                "",
                " ========================   JOB MAP   ========================",
                "",
                " Data for node: main-host\tNum slots: 1\tMax slots: 0\tNum procs: 1",
                " \tProcess OMPI jobid: [18791,1] App: 0 Process rank: 0 Bound: N/A",
                "",
                " Data for node: 10.0.0.3\tNum slots: 1\tMax slots: 0\tNum procs: 1",
                " \tProcess OMPI jobid: [18791,1] App: 0 Process rank: 1 Bound: N/A",
                "",
                " =============================================================",
                "[1,1]<stdout>:hello from rank 1",
                "[1,0]<stderr>:warning from rank 0",
                "[1,7]<stdout>:unknown rank",
                "plain mpirun message")) {
            labeler.line(line, false);
        }

        assertThat(out).containsExactly("O [node 1] hello from rank 1", "E [node 0] warning from rank 0",
                "O [rank 7] unknown rank", "O plain mpirun message");
    }

    @Test
    void line_whenDaemonsPrintTheMapToo_swallowsEveryCopy() {
        Roster roster = new Roster("job", 1, List.of(node(0, "127.0.0.2", "vm"), node(1, "127.0.0.3", "vm")));
        List<String> out = new ArrayList<>();
        OpenMpiOutputLabeler labeler = new OpenMpiOutputLabeler(roster, (t, e) -> out.add(t));
        List<String> map = List.of(" Data for JOB [5,1] offset 0 Total slots allocated 2", "",
                " ========================   JOB MAP   ========================", "",
                " Data for node: 127.0.0.3\tNum slots: 1\tMax slots: 0\tNum procs: 1",
                " \tProcess OMPI jobid: [5,1] App: 0 Process rank: 1 Bound: N/A", "",
                " =============================================================");
        labeler.line(map.get(0), false);
        map.forEach(line -> labeler.line(line, false));
        map.subList(1, map.size()).forEach(line -> labeler.line(line, false));
        labeler.line("[5,1]<stdout>:hi", false);
        labeler.line("[5,1]<stdout>:", false);
        // A daemon's copy, late, on the launcher's stream.
        map.forEach(line -> labeler.line(line, true));

        assertThat(out).containsExactly("[node 1] hi", "[node 1] ");
    }

    /**
     * mpirun's map (stdout) and a daemon's copy (stderr, the launcher's file) are followed concurrently; a daemon's
     * "Data for node" line between mpirun's node line and its rank lines must not move those ranks (seen in CI:
     * every line of rank 2 of 4 labelled with node 0).
     */
    @Test
    void line_whenADaemonsMapInterleavesWithMpirunsOwn_labelsByMpirunsMap() {
        Roster roster = new Roster("job", 1, List.of(node(0, "10.0.0.2", "a"), node(1, "10.0.0.3", "b"),
                node(2, "10.0.0.4", "c")));
        List<String> out = new ArrayList<>();
        OpenMpiOutputLabeler labeler = new OpenMpiOutputLabeler(roster, (t, e) -> out.add(t));
        labeler.line(" Data for node: a\tNum slots: 1", false);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 0 Bound: N/A", false);
        labeler.line(" Data for node: 10.0.0.3\tNum slots: 1", false);
        labeler.line(" Data for node: a\tNum slots: 1", true);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 1 Bound: N/A", false);
        labeler.line(" Data for node: 10.0.0.4\tNum slots: 1", false);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 0 Bound: N/A", true);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 2 Bound: N/A", false);

        labeler.line("[5,0]<stdout>:zero", false);
        labeler.line("[5,1]<stdout>:one", false);
        labeler.line("[5,2]<stdout>:two", false);

        assertThat(out).containsExactly("[node 0] zero", "[node 1] one", "[node 2] two");
    }

    @Test
    void line_whenRankWroteTextAndNewlineApart_dropsTheRepeatedTag() {
        Roster roster = new Roster("job", 1, List.of(node(0, "10.0.0.2", "a"), node(1, "10.0.0.3", "b")));
        List<String> out = new ArrayList<>();
        OpenMpiOutputLabeler labeler = new OpenMpiOutputLabeler(roster, (t, e) -> out.add(t));
        labeler.line(" Data for node: 10.0.0.3\tNum slots: 1", false);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 1 Bound: N/A", false);

        labeler.line("[1,1]<stdout>:received (ok)[1,1]<stdout>:", false);
        labeler.line("[1,1]<stdout>:half[1,0]<stdout>:other rank", false);
        labeler.end();

        assertThat(out).containsExactly("[node 1] received (ok)", "[rank 0] other rank", "[node 1] half");
    }

    /** As mpirun wrote it when two ranks' 4 KiB chunks ended mid-line: each rank's line is put back together. */
    @Test
    void line_whenChunksOfTwoRanksInterleaveMidLine_joinsEachRanksLine() {
        Roster roster = new Roster("job", 1, List.of(node(0, "10.0.0.2", "a"), node(1, "10.0.0.3", "b")));
        List<String> out = new ArrayList<>();
        OpenMpiOutputLabeler labeler = new OpenMpiOutputLabeler(roster, (t, e) -> out.add((e ? "E " : "O ") + t));
        labeler.line(" Data for node: a\tNum slots: 1", false);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 0 Bound: N/A", false);
        labeler.line(" Data for node: 10.0.0.3\tNum slots: 1", false);
        labeler.line(" \tProcess OMPI jobid: [5,1] App: 0 Process rank: 1 Bound: N/A", false);

        labeler.line("[1,0]<stdout>:r0-1 complete", false);
        labeler.line("[1,0]<stdout>:r0-2 beg", false);
        labeler.line("[1,1]<stdout>:r1-1 begins[1,0]<stderr>:e0 begins[1,0]<stdout>:ins here", false);
        labeler.line("[1,0]<stderr>: and ends[1,1]<stdout>: and ends", false);
        labeler.end();

        assertThat(out).containsExactly("O [node 0] r0-1 complete", "O [node 0] r0-2 beg",
                "O [node 0] ins here", "O [node 1] r1-1 begins and ends", "E [node 0] e0 begins and ends");
    }

    @Test
    void userChoseOutputFormat_recognisesOpenMpiOutputOptions() {
        assertThat(OpenMpiOutputLabeler.userChoseOutputFormat(List.of("--xml"))).isTrue();
        assertThat(OpenMpiOutputLabeler.userChoseOutputFormat(List.of("--map-by", "node"))).isFalse();
    }
}
