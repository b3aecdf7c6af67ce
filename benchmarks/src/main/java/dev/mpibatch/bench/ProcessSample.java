package dev.mpibatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One reading of a process's memory and CPU time from {@code /proc}.
 *
 * @param rssKib   resident memory (VmRSS): heap, metaspace, code, thread stacks and the mapped pages of libjvm
 * @param anonKib  of which anonymous (the JVM's own allocations; the rest is file-backed and shareable)
 * @param cpuTicks user + system CPU time in clock ticks (1/100 s on Linux)
 * @param childTicks user + system CPU time of its children that ended (sshd's per-connection processes)
 */
record ProcessSample(long rssKib, long anonKib, long cpuTicks, long childTicks) {
    static final int TICKS_PER_SECOND = 100;

    static ProcessSample of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        // One read of status: both figures from the same instant, and one file read less per sample.
        List<String> status = Files.readAllLines(proc.resolve("status"));
        long rss = field(status, "VmRSS:");
        long anon = field(status, "RssAnon:");
        String stat = Files.readString(proc.resolve("stat"));
        // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
        long children = Long.parseLong(rest[13]) + Long.parseLong(rest[14]);
        return new ProcessSample(rss, anon, ticks, children);
    }

    private static long field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> Long.parseLong(l.substring(name.length()).strip().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no " + name + " in /proc/<pid>/status"));
    }
}
