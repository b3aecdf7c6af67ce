package dev.mpibatch.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What local runs killed hard (SIGKILL, a crash) left behind, and its removal: their agents and sshd still running,
 * their namespaces, bridge and veths, and their directory with the hosts' private keys. A run is dead when the
 * process recorded as its owner ({@link RunOwner}) is gone; a run that is alive, or whose owner is unknown (no
 * record: made by an older mpi-batch), is never touched. Network objects named for a run that has no directory
 * any more are leftovers too: a run makes its directory before its network and removes it after.
 *
 * <p>Callers hold the {@link RunLock}, so no run is half made while this looks.
 */
final class StaleRuns {
    private static final Pattern RUN_DIRECTORY = Pattern.compile("local-([0-9a-f]{6})");
    private static final Pattern NAMESPACE = Pattern.compile("mpib-([0-9a-f]{6})-\\d+");
    private static final Pattern LINK = Pattern.compile("mpib([0-9a-f]{6})(?:[hp]\\d+)?");
    private static final long STOP_MILLIS = 3000;

    private final boolean network;
    private final List<RunOwner> live = new ArrayList<>();
    private final List<RunOwner> dead = new ArrayList<>();
    private final List<Path> unknown = new ArrayList<>();
    private final List<RunOwner> kept = new ArrayList<>();
    private final TreeMap<String, Set<String>> namespaces = new TreeMap<>();
    private final TreeMap<String, Set<String>> links = new TreeMap<>();

    private StaleRuns(boolean network) {
        this.network = network;
    }

    /**
     * Looks at the runs under {@code base}; with {@code network} (as root, for namespace runs) at the network
     * namespaces and links of this machine too.
     */
    static StaleRuns survey(Path base, boolean network) {
        StaleRuns runs = new StaleRuns(network);
        if (Files.isDirectory(base)) {
            try (Stream<Path> entries = Files.list(base)) {
                for (Path dir : entries.sorted().toList()) {
                    Matcher m = RUN_DIRECTORY.matcher(dir.getFileName().toString());
                    if (m.matches() && Files.isDirectory(dir)) {
                        Optional<RunOwner> owner = RunOwner.read(m.group(1), dir);
                        if (owner.isEmpty()) {
                            runs.unknown.add(dir);
                        } else if (owner.get().ended()) {
                            runs.kept.add(owner.get());
                        } else {
                            (owner.get().isAlive() ? runs.live : runs.dead).add(owner.get());
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + base + ": " + e.getMessage(), e);
            }
        }
        if (network) {
            for (String line : Commands.run(List.of("ip", "netns", "list")).lines().toList()) {
                String name = line.strip().split("\\s+")[0];
                Matcher m = NAMESPACE.matcher(name);
                if (m.matches()) {
                    runs.namespaces.computeIfAbsent(m.group(1), id -> new TreeSet<>()).add(name);
                }
            }
            for (String line : Commands.run(List.of("ip", "-o", "link", "show")).lines().toList()) {
                // "7: mpibab12cdh0@if6: <BROADCAST,..." : the name, without the peer after '@'
                String[] fields = line.split(":\\s*", 3);
                String name = fields.length > 1 ? fields[1].replaceFirst("@.*", "") : "";
                Matcher m = LINK.matcher(name);
                if (m.matches()) {
                    runs.links.computeIfAbsent(m.group(1), id -> new TreeSet<>()).add(name);
                }
            }
        }
        return runs;
    }

    /** Runs whose owner still runs: never touched. */
    List<RunOwner> live() {
        return List.copyOf(live);
    }

    /** Directories kept by {@code --keep} of runs that are over: the user's to inspect and remove. */
    List<RunOwner> kept() {
        return List.copyOf(kept);
    }

    /** Run directories without an owner record: left alone, since nothing says whether they still run. */
    List<Path> unknown() {
        return List.copyOf(unknown);
    }

    /** Removes what dead runs left; returns one line per run saying what was removed. */
    List<String> removeDead() {
        List<String> removed = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        dead.forEach(run -> ids.add(run.id()));
        // Network objects of runs with no directory at all.
        Set<String> withDirectory = new TreeSet<>();
        live.forEach(run -> withDirectory.add(run.id()));
        dead.forEach(run -> withDirectory.add(run.id()));
        kept.forEach(run -> withDirectory.add(run.id()));
        unknown.forEach(dir -> withDirectory.add(dir.getFileName().toString().substring("local-".length())));
        Stream.concat(namespaces.keySet().stream(), links.keySet().stream())
                .filter(id -> !withDirectory.contains(id)).forEach(ids::add);
        for (String id : ids) {
            Optional<RunOwner> owner = dead.stream().filter(run -> run.id().equals(id)).findFirst();
            removed.add(remove(id, owner));
        }
        return removed;
    }

    private String remove(String id, Optional<RunOwner> owner) {
        Set<String> runNamespaces = namespaces.getOrDefault(id, Set.of());
        Set<String> runLinks = links.getOrDefault(id, Set.of());
        int stopped = stopProcesses(runNamespaces, owner.map(RunOwner::root));
        for (String ns : runNamespaces) {
            Commands.runQuietly(List.of("ip", "netns", "del", ns));
        }
        // Veths first (deleting one end deletes its peer), the bridge last.
        runLinks.stream().sorted(Comparator.comparing(String::length).reversed())
                .forEach(link -> Commands.runQuietly(List.of("ip", "link", "del", link)));
        List<String> parts = new ArrayList<>();
        parts.add(stopped + " processes stopped");
        if (network) {
            parts.add(runNamespaces.size() + " namespaces and " + runLinks.size() + " links removed");
        }
        owner.ifPresent(run -> {
            if (run.keep()) {
                RunOwner.markEnded(run.id(), run.root());
                parts.add(run.root() + " kept (--keep)");
            } else {
                deleteTree(run.root());
                parts.add(run.root() + " removed (with the hosts' keys)");
            }
        });
        String whose = owner.map(run -> "its owner, pid " + run.pid() + ", is gone")
                .orElse("its run directory is gone");
        return "run local-" + id + " (" + whose + "): " + String.join(", ", parts);
    }

    /** Stops every process in the run's namespaces or started from its directory (agents, sshd, mpirun). */
    private static int stopProcesses(Set<String> runNamespaces, Optional<Path> root) {
        Set<Long> pids = new TreeSet<>();
        for (String ns : runNamespaces) {
            NetworkNamespaces.pids(ns).forEach(pid -> pids.add(Long.parseLong(pid)));
        }
        root.ifPresent(dir -> {
            String mark = dir + "/";
            ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false)
                            || environment(p.pid()).contains(mark))
                    .forEach(p -> pids.add(p.pid()));
        });
        List<ProcessHandle> processes = pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList();
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.currentTimeMillis() + STOP_MILLIS;
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
            }
        }
        return processes.size();
    }

    private static String environment(long pid) {
        try {
            // NUL-separated, in whatever encoding each variable has: bytes as Latin-1 never fail to decode.
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot remove " + root + ": " + e.getMessage()
                    + "; remove it by hand (rm -rf " + root + ")", e);
        }
    }
}
