package dev.mpibatch.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Copies a node's output to ours a whole line at a time, prefixed with the node, so lines never interleave. */
final class NodeOutput {
    private static final java.util.regex.Pattern LABELLED = java.util.regex.Pattern.compile("\\[node \\d+] ");
    private NodeOutput() {
    }

    static String prefix(int index) {
        return "[node " + index + "] ";
    }

    /** Starts a thread that copies {@code stream} to {@code target} with the node's prefix. */
    static Thread pump(InputStream stream, PrintStream target, int index, Runnable beforeLine) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    beforeLine.run();
                    synchronized (NodeOutput.class) {
                        // The main node labels MPI ranks' lines with the node they ran on already.
                        boolean labelled = index == 0 && LABELLED.matcher(line).lookingAt();
                        target.println(labelled ? line : prefix(index) + line);
                        target.flush();
                    }
                }
            } catch (IOException e) {
                // the node is gone: its output ends here
            }
        }, "node-" + index + "-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
