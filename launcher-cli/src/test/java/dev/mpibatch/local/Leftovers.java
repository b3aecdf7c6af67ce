package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a local run may leave behind, listed the way an administrator would look for it. */
final class Leftovers {
    private Leftovers() {
    }

    /** Asserts no namespace, link, process or directory of run {@code id} remains. */
    static void assertNone(String id) {
        assertThat(Commands.run(List.of("ip", "netns", "list"))).as("network namespaces").doesNotContain("mpib-" + id);
        assertThat(Commands.run(List.of("ip", "-o", "link", "show"))).as("links (bridge, veth)").doesNotContain("mpib" + id);
        assertThat(processesMentioning("local-" + id)).as("processes of the run (agents, sshd, mpirun)").isEmpty();
        assertThat(Files.exists(Path.of("/run/mpi-batch/local-" + id))).as("the run's directory").isFalse();
    }

    /**
     * Asserts that no host of job {@code name} (hostnames {@code name-N}) left files in this machine's /tmp, such
     * as Open MPI's session directories ({@code /tmp/ompi.<hostname>.<uid>}).
     */
    static void assertNoTempFiles(String name) {
        try (var entries = Files.list(Path.of("/tmp"))) {
            assertThat(entries.map(p -> p.getFileName().toString()).filter(f -> f.contains(name + "-")).toList())
                    .as("files of the hosts of job %s in /tmp", name).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false)
                        || environ(p.pid()).contains(text))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
    }

    private static String environ(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/environ"));
        } catch (Exception e) {
            return "";
        }
    }
}
