package dev.mpibatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test needs from the machine. Missing pieces skip the test with the reason on a developer's machine, and
 * fail it in CI ({@code CI=true}), where everything must be there.
 */
public final class Requirements {
    private Requirements() {
    }

    /** Skips (or in CI fails) unless {@code ok}; {@code what} names what is missing and how to get it. */
    public static void require(boolean ok, String what) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail("CI=true and this test needs " + what);
        }
        Assumptions.abort("skipped: needs " + what);
    }

    public static void requireRoot() {
        require(isRoot(), "root (network namespaces, sshd privilege separation)");
    }

    public static void requireSshd() {
        require(Files.isExecutable(Path.of("/usr/sbin/sshd")) && onPath("ssh-keygen"),
                "OpenSSH (apt-get install openssh-server openssh-client)");
    }

    public static void requireOpenMpi() {
        require(onPath("mpirun.openmpi") || onPath("mpirun"), "Open MPI (apt-get install openmpi-bin libopenmpi-dev)");
    }

    public static void requireMpich() {
        require(onPath("mpiexec.mpich"), "MPICH (apt-get install mpich libmpich-dev)");
    }

    public static void requireNamespaces() {
        requireRoot();
        require(onPath("ip") && onPath("unshare"), "iproute2 and util-linux (ip, unshare)");
    }

    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return List.of("/usr/sbin", "/sbin").stream().anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
