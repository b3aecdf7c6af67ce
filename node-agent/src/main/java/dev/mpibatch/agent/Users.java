package dev.mpibatch.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as. */
public final class Users {
    private Users() {
    }

    /** Whether the process runs as root: Open MPI then needs its run-as-root permission, sshd its privilege separation. */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(name());
        }
    }

    public static String name() {
        return System.getProperty("user.name");
    }
}
