package dev.mpibatch.local;

import java.io.PrintStream;
import java.util.function.IntSupplier;

import dev.mpibatch.agent.rendezvous.RendezvousKeys;
import dev.mpibatch.agent.rendezvous.RendezvousStore;

/**
 * Shows the cluster forming (hosts up, nodes registered, ready, out of N) by looking at the rendezvous itself,
 * so it shows what the nodes really did. One line, rewritten in place on a terminal; a new line per change otherwise.
 */
final class FormationProgress implements Runnable {
    private static final long INTERVAL_MILLIS = 200;

    private final RendezvousStore store;
    private final int nodes;
    private final IntSupplier hostsUp;
    private final PrintStream err;
    private final boolean terminal;
    private volatile boolean stopped;
    private String last = "";
    private boolean lineOpen;

    FormationProgress(RendezvousStore store, int nodes, IntSupplier hostsUp, PrintStream err, boolean terminal) {
        this.store = store;
        this.nodes = nodes;
        this.hostsUp = hostsUp;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void run() {
        while (!stopped) {
            int registered = count(RendezvousKeys.NODES_PREFIX);
            int ready = count(RendezvousKeys.READY_PREFIX);
            show("hosts up " + hostsUp.getAsInt() + "/" + nodes + ", registered " + registered + "/" + nodes
                    + ", ready " + ready + "/" + nodes);
            if (ready == nodes) {
                endLine();
                return;
            }
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() {
        stopped = true;
    }

    /** Ends a pending progress line, so that other output starts on a line of its own. */
    synchronized void endLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }

    private synchronized void show(String text) {
        if (text.equals(last)) {
            return;
        }
        last = text;
        if (terminal) {
            err.print("\r" + "formation: " + text);
            lineOpen = true;
        } else {
            err.println("formation: " + text);
        }
        err.flush();
    }

    private int count(String prefix) {
        try {
            return store.list(prefix).size();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
