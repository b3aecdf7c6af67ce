package dev.mpibatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a run was made on, as one markdown line: figures from different machines do not compare.
 *
 * @param cpu      the processor's model name
 * @param cores    the cores the JVM sees
 * @param memoryGb the machine's memory
 * @param kernel   the kernel release
 * @param java     the JVM's version
 */
public record MachineInfo(String cpu, int cores, long memoryGb, String kernel, String java) {

    public static MachineInfo current() {
        return new MachineInfo(field(Path.of("/proc/cpuinfo"), "model name"), Runtime.getRuntime().availableProcessors(),
                memoryKb() / 1024 / 1024, firstLine(Path.of("/proc/sys/kernel/osrelease")),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    public String markdown() {
        return cpu + ", " + cores + " cores, " + memoryGb + " GiB, Linux " + kernel + ", " + java;
    }

    /** The 1-minute load average now: how busy the shared machine was while a benchmark ran. */
    public static String loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        return line.equals("unknown") ? line : line.split("\\s+")[0];
    }

    private static long memoryKb() {
        String total = field(Path.of("/proc/meminfo"), "MemTotal");
        try {
            return Long.parseLong(total.replaceAll("[^0-9]", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String field(Path file, String name) {
        for (String line : lines(file)) {
            if (line.startsWith(name)) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    private static String firstLine(Path file) {
        List<String> lines = lines(file);
        return lines.isEmpty() ? "unknown" : lines.get(0).strip();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
