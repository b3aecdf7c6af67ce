package dev.mpibatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Whether a stream of the CLI is a terminal: progress lines are rewritten in place there, plain lines elsewhere. */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when {@code stream} is this process's own stderr (or stdout) and that file descriptor is a terminal, and
     * {@code TERM} is not {@code dumb}. Streams handed in by a test or an embedding program are never one, and
     * neither is a stderr redirected to a file while stdout is a terminal.
     */
    static boolean isTerminal(PrintStream stream, Map<String, String> env) {
        if ("dumb".equals(env.get("TERM"))) {
            return false;
        }
        int fd = stream == System.err ? 2 : stream == System.out ? 1 : -1;
        if (fd < 0) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }
}
