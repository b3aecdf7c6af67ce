package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the ranks' lines back together from a launcher's tagged output. Open MPI ({@code --tag-output}) and MPICH
 * ({@code -prepend-pattern}) put a tag before every chunk a rank writes, and chunks of different ranks follow each
 * other with no line end between them: {@code [1,1]<stdout>:r1 text[1,0]<stdout>:end of r0's line} is rank 1's
 * line begun and rank 0's finished. Every tagged piece but the last of a line is such a beginning, kept until the rest
 * of that rank's line arrives; the last piece ends its rank's line. Measured with two ranks printing 80-character
 * lines through 4 KiB buffers: without this, one line in 50 came out cut in two and glued to another rank's.
 */
final class TaggedLines {
    private final Pattern tag;
    private final Function<Matcher, String> key;
    private final Map<String, StringBuilder> begun = new HashMap<>();

    /**
     * @param tag a tag as the launcher writes it
     * @param key what a tag names, as a key: the rank, and the stream where the tag says it
     */
    TaggedLines(Pattern tag, Function<Matcher, String> key) {
        this.tag = tag;
        this.key = key;
    }

    /**
     * Takes one line of the launcher's output.
     *
     * @param suffix added to every key of this line (the stream it came from, where the tag does not say it)
     * @param ended  receives each rank's line that this one ends: the key and the whole line
     * @return false when the line does not start with a tag: it is the launcher's own, and nothing was done
     */
    boolean accept(String text, String suffix, BiConsumer<String, String> ended) {
        Matcher m = tag.matcher(text);
        if (!m.lookingAt()) {
            return false;
        }
        String current = key.apply(m) + suffix;
        int from = m.end();
        while (m.find()) {
            begun.computeIfAbsent(current, k -> new StringBuilder()).append(text, from, m.start());
            current = key.apply(m) + suffix;
            from = m.end();
        }
        StringBuilder start = begun.remove(current);
        String rest = text.substring(from);
        ended.accept(current, start == null ? rest : start.append(rest).toString());
        return true;
    }

    /** The output has ended: passes on the lines that ranks began and never ended, in the order of their keys. */
    void end(BiConsumer<String, String> ended) {
        List<String> keys = new ArrayList<>(begun.keySet());
        Collections.sort(keys);
        for (String k : keys) {
            ended.accept(k, begun.remove(k).toString());
        }
    }
}
