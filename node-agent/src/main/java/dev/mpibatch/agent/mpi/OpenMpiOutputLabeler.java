package dev.mpibatch.agent.mpi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * Labels every line an MPI rank prints with the node it ran on ({@code [node 2] ...}), although all of it arrives
 * through mpirun on the main node. Open MPI is asked for its job map ({@code --display-map}, which says which node
 * runs which rank) and for rank-tagged output ({@code --tag-output}); this sink reads the first and rewrites the second.
 */
public final class OpenMpiOutputLabeler implements OutputSink {
    /** The options that make Open MPI print what this labeler reads. */
    public static final List<String> OPTIONS = List.of("--display-map", "--tag-output");

    private static final Logger LOG = LoggerFactory.getLogger(OpenMpiOutputLabeler.class);
    private static final Pattern MAP_START = Pattern.compile("^\\s*Data for JOB \\[");
    private static final Pattern MAP_NODE = Pattern.compile("^\\s*Data for node: (\\S+)");
    private static final Pattern MAP_RANK = Pattern.compile("^\\s*Process OMPI jobid: \\[[^]]*] App: \\d+ Process rank: (\\d+)");
    private static final Pattern MAP_RULE = Pattern.compile("^\\s*=+(\\s+JOB MAP\\s+=+)?\\s*$");
    private static final Pattern TAG = Pattern.compile("\\[\\d+,(\\d+)]<(stdout|stderr)>:");

    private final Roster roster;
    private final OutputSink target;
    private final Map<Integer, Integer> rankToNode = new HashMap<>();
    private final TaggedLines lines = new TaggedLines(TAG, tag -> tag.group(1) + tag.group(2));
    private Integer currentNode;

    public OpenMpiOutputLabeler(Roster roster, OutputSink target) {
        this.roster = roster;
        this.target = target;
    }

    /** Whether the user's own arguments already ask for another output format, which we then leave alone. */
    public static boolean userChoseOutputFormat(List<String> args) {
        return args.stream().anyMatch(a -> a.equals("--tag-output") || a.equals("--xml") || a.equals("--display-map")
                || a.startsWith("--output-filename") || a.equals("--timestamp-output"));
    }

    @Override
    public synchronized void line(String text, boolean stderr) {
        // The map that counts is mpirun's own, on its standard output. The daemons' copies arrive on standard error
        // (their launcher's file), concurrently and interleaved with it: reading them too would let a daemon's
        // "Data for node" line land between mpirun's node line and its ranks, and label those ranks wrongly.
        if (stderr ? isMapLine(text) : readMap(text)) {
            return;
        }
        if (!lines.accept(text, "", this::emit)) {
            target.line(text, stderr);
        }
    }

    /** Passes on the beginnings of lines that never got their end (a rank's last output without a line end). */
    @Override
    public synchronized void end() {
        lines.end(this::emit);
        target.end();
    }

    /** @param key the rank and the stream, e.g. {@code 3stdout} */
    private void emit(String key, String content) {
        boolean stderr = key.endsWith("stderr");
        String rank = key.substring(0, key.length() - (stderr ? "stderr" : "stdout").length());
        Integer node = rankToNode.get(Integer.parseInt(rank));
        String label = node == null ? "[rank " + rank + "] " : "[node " + node + "] ";
        target.line(label + content, stderr);
    }

    /**
     * Consumes the job map's lines; returns whether {@code text} was one. Lines are recognised by their shape, not
     * by position: daemons on other nodes print the map too, late. An untagged blank line is the map's spacing, never
     * a rank's (a rank's blank line carries its tag).
     */
    private boolean readMap(String text) {
        Matcher node = MAP_NODE.matcher(text);
        Matcher rank = MAP_RANK.matcher(text);
        if (node.find()) {
            currentNode = nodeIndex(node.group(1));
        } else if (rank.find()) {
            if (currentNode != null) {
                rankToNode.putIfAbsent(Integer.parseInt(rank.group(1)), currentNode);
            }
        } else if (!MAP_START.matcher(text).find() && !MAP_RULE.matcher(text).matches() && !text.isBlank()) {
            return false;
        }
        return true;
    }

    /** Whether {@code text} is a line of a job map (a daemon's copy), which is consumed without being read. */
    private static boolean isMapLine(String text) {
        return MAP_NODE.matcher(text).find() || MAP_RANK.matcher(text).find() || MAP_START.matcher(text).find()
                || MAP_RULE.matcher(text).matches() || text.isBlank();
    }

    /** Open MPI names nodes as the hostfile does (addresses), except its own node, which it names by hostname. */
    private Integer nodeIndex(String name) {
        for (NodeRecord node : roster.nodes()) {
            if (node.address().equals(name) || node.hostname().equals(name)) {
                return node.index();
            }
        }
        return null;
    }
}
