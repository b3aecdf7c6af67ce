package dev.mpibatch.local;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI's standard output, read as a user's pipe would read it (optionally slowly), checked line by line without
 * keeping it: every numbered line {@code r<rank>-<number>-xxx} of spew.sh must arrive once, whole, labelled with the
 * node its rank ran on, and each rank's end marker once.
 */
final class RankLineCounter extends OutputStream {
    private static final Pattern RANK_LINE = Pattern.compile("\\[node (\\d+)] r(\\d+)-(\\d{7})-x+");
    private static final Pattern END = Pattern.compile("\\[node (\\d+)] END-OF-RANK (\\d+)");

    private final int slotsPerNode;
    private final int lineBytes;
    private final long pauseEveryBytes;
    private final long pauseMillis;
    private final Map<Integer, BitSet> seen = new HashMap<>();
    private final Map<Integer, Integer> ends = new HashMap<>();
    private final List<String> wrong = new ArrayList<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long bytes;

    /**
     * @param lineBytes       the length of spew.sh's numbered lines, without the line end
     * @param pauseEveryBytes a slow reader pauses after every so many bytes (0: a fast reader)
     */
    RankLineCounter(int slotsPerNode, int lineBytes, long pauseEveryBytes, long pauseMillis) {
        this.slotsPerNode = slotsPerNode;
        this.lineBytes = lineBytes;
        this.pauseEveryBytes = pauseEveryBytes;
        this.pauseMillis = pauseMillis;
    }

    @Override
    public synchronized void write(int b) {
        // A slow reader also starts late, long enough for every pipe between the ranks and it to fill up.
        if (pauseEveryBytes > 0 && (++bytes % pauseEveryBytes == 0 || bytes == 1)) {
            try {
                Thread.sleep(bytes == 1 ? 2000 : pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (b != '\n') {
            line.write(b);
            return;
        }
        check(line.toString(StandardCharsets.UTF_8));
        line.reset();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void check(String text) {
        Matcher m = RANK_LINE.matcher(text);
        if (m.matches()) {
            int rank = Integer.parseInt(m.group(2));
            expectNode(text, Integer.parseInt(m.group(1)), rank);
            if (text.length() - text.indexOf(']') - 2 != lineBytes) {
                wrong.add("cut or glued: " + text);
            }
            BitSet lines = seen.computeIfAbsent(rank, r -> new BitSet());
            int number = Integer.parseInt(m.group(3));
            if (lines.get(number)) {
                wrong.add("twice: " + text);
            }
            lines.set(number);
            return;
        }
        Matcher end = END.matcher(text);
        if (end.matches()) {
            int rank = Integer.parseInt(end.group(2));
            expectNode(text, Integer.parseInt(end.group(1)), rank);
            ends.merge(rank, 1, Integer::sum);
        } else if (text.contains("END-OF-RANK") || text.matches(".*r\\d+-\\d{7}.*")) {
            wrong.add("damaged: " + text);
        }
    }

    private void expectNode(String text, int node, int rank) {
        // Both MPIs fill each host's slots in hostfile order.
        if (node != rank / slotsPerNode && wrong.size() < 20) {
            wrong.add("rank " + rank + " labelled with node " + node + ": " + text);
        }
    }

    /** What went wrong: missing lines per rank, missing end markers, damaged lines; empty when all arrived. */
    synchronized List<String> problems(int ranks, int linesPerRank) {
        List<String> problems = new ArrayList<>(wrong.subList(0, Math.min(20, wrong.size())));
        for (int rank = 0; rank < ranks; rank++) {
            BitSet lines = seen.getOrDefault(rank, new BitSet());
            int got = lines.cardinality();
            if (got != linesPerRank) {
                problems.add("rank " + rank + ": " + got + " of " + linesPerRank + " lines, first missing "
                        + lines.nextClearBit(1));
            }
            if (ends.getOrDefault(rank, 0) != 1) {
                problems.add("rank " + rank + ": end marker seen " + ends.getOrDefault(rank, 0) + " times");
            }
        }
        return problems;
    }
}
