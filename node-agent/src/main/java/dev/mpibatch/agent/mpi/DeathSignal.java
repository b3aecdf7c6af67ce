package dev.mpibatch.agent.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a step's program receive SIGTERM when the agent dies, even by SIGKILL (when no shutdown hook runs):
 * {@code setpriv --pdeathsig TERM} (util-linux, essential in Debian) sets the kernel's parent-death signal and then
 * becomes the program. mpirun and mpiexec end their job on SIGTERM, so none keeps running without its agent.
 * Where setpriv is missing the program runs as it is. On Batch the agent is the container's first process, whose end
 * ends every other; on a local namespace host nothing else would stop an orphaned mpirun.
 */
final class DeathSignal {
    private static final Path SETPRIV = find();

    private DeathSignal() {
    }

    /** {@code command} run so that it gets SIGTERM when the thread that starts it (and so the agent) is gone. */
    static List<String> wrap(List<String> command) {
        if (SETPRIV == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of(SETPRIV.toString(), "--pdeathsig", "TERM", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static Path find() {
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path path = Path.of(dir, "setpriv");
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }
}
