package dev.mpibatch.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether we may make network and mount namespaces: only as root. */
final class Privileges {
    private Privileges() {
    }

    static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
