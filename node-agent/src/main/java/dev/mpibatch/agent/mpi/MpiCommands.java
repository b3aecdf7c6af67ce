package dev.mpibatch.agent.mpi;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Names the Open MPI programs. Debian installs Open MPI and MPICH side by side behind alternatives; the environment
 * we generate is Open MPI's, so we call {@code mpiexec.openmpi} where it exists rather than whatever
 * {@code mpiexec} points at.
 */
public final class MpiCommands {
    private MpiCommands() {
    }

    /** {@code name.openmpi} when it is on {@code PATH}, else {@code name}. */
    public static String openMpi(String name, Map<String, String> env) {
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name + ".openmpi"))) {
                return name + ".openmpi";
            }
        }
        return name;
    }
}
