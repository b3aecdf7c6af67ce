package dev.mpibatch.local;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mpibatch.agent.Users;

/**
 * {@code mpi-batch local --cleanup}: removes what local runs killed hard left behind (see {@link StaleRuns}), as
 * root the namespace runs' and this user's loopback runs', and says what it removed and what it left alone.
 *
 * <pre>{@code
 * int exit = LocalCleanup.run(System.getenv(), System.out, System.err);
 * }</pre>
 */
public final class LocalCleanup {
    private LocalCleanup() {
    }

    /** Cleans up; returns 0 (what it could not remove is an exception naming it). */
    public static int run(Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> removed = new ArrayList<>();
        List<String> leftAlone = new ArrayList<>();
        boolean root = Users.isRoot();
        if (root) {
            sweep(LocalLayout.base(true, env), true, removed, leftAlone);
        }
        sweep(LocalLayout.base(false, env), false, removed, leftAlone);
        removed.forEach(line -> out.println("removed: " + line));
        leftAlone.forEach(line -> out.println("left alone: " + line));
        if (removed.isEmpty()) {
            err.println("mpi-batch local --cleanup: nothing left by killed runs" + (root ? ""
                    : " of this user (namespace runs are root's: run it as root for those)"));
        }
        return 0;
    }

    /**
     * As a new run starts: removes what dead runs under {@code base} left and says so on {@code err}; returns the
     * live runs, whose subnets are taken. The caller holds the {@link RunLock}.
     */
    static List<RunOwner> collect(Path base, boolean network, PrintStream err) {
        StaleRuns runs = StaleRuns.survey(base, network);
        for (String line : runs.removeDead()) {
            err.println("mpi-batch local: removed what a killed run left: " + line);
        }
        return runs.live();
    }

    private static void sweep(Path base, boolean network, List<String> removed, List<String> leftAlone) {
        if (!Files.isDirectory(base) && !network) {
            return;
        }
        try (RunLock lock = RunLock.acquire(base)) {
            StaleRuns runs = StaleRuns.survey(base, network);
            removed.addAll(runs.removeDead());
            for (RunOwner run : runs.live()) {
                leftAlone.add("run local-" + run.id() + " (" + run.root() + "): still running, pid " + run.pid());
            }
            for (RunOwner run : runs.kept()) {
                leftAlone.add(run.root() + ": kept by --keep for inspection; remove it when done: rm -rf " + run.root());
            }
            for (Path dir : runs.unknown()) {
                String id = dir.getFileName().toString().substring("local-".length());
                leftAlone.add(dir + ": no owner record (made by an older mpi-batch?), so it may still run; if it does "
                        + "not, remove it by hand: rm -rf " + dir + (network ? "; ip netns del mpib-" + id
                        + "-<N> for each host; ip link del mpib" + id : ""));
            }
        }
    }
}
