package dev.mpibatch.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Copies a node's output to ours a whole line at a time, prefixed with the node, so lines never interleave.
 * {@link #drain} waits for every line to be passed on, however slowly the reader of our output takes them.
 */
final class NodeOutput {
    private static final Pattern LABELLED = Pattern.compile("\\[node \\d+] ");
    /**
     * How long a drain waits for more output from a node whose agent has exited: the rest of a pipe comes at once,
     * so a longer silence means that something else (a process the agent left) holds the pipe open.
     */
    private static final long QUIET_MILLIS = 2000;

    private final Thread thread;
    private volatile boolean writing;
    private volatile long lastRead = System.nanoTime();

    private NodeOutput(InputStream stream, PrintStream target, int index, Runnable beforeLine) {
        this.thread = new Thread(() -> copy(stream, target, index, beforeLine), "node-" + index + "-output");
        thread.setDaemon(true);
    }

    static String prefix(int index) {
        return "[node " + index + "] ";
    }

    /** Starts copying {@code stream} to {@code target} with the node's prefix. */
    static NodeOutput pump(InputStream stream, PrintStream target, int index, Runnable beforeLine) {
        NodeOutput output = new NodeOutput(stream, target, index, beforeLine);
        output.thread.start();
        return output;
    }

    /**
     * Waits until the node's output has been copied out to its end. Waits as long as lines are being taken by our
     * reader, however slow (that output is the user's); stops early only when the node has sent nothing for two
     * seconds and no line is waiting to be written.
     */
    void drain() throws InterruptedException {
        while (thread.isAlive()) {
            thread.join(100);
            if (!writing && System.nanoTime() - lastRead > QUIET_MILLIS * 1_000_000) {
                return;
            }
        }
    }

    private void copy(InputStream stream, PrintStream target, int index, Runnable beforeLine) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                writing = true;
                beforeLine.run();
                synchronized (NodeOutput.class) {
                    // The main node labels MPI ranks' lines with the node they ran on already.
                    boolean labelled = index == 0 && LABELLED.matcher(line).lookingAt();
                    target.println(labelled ? line : prefix(index) + line);
                    target.flush();
                }
                writing = false;
                lastRead = System.nanoTime();
            }
        } catch (IOException e) {
            // the node is gone: its output ends here
        } finally {
            writing = false;
        }
    }
}
