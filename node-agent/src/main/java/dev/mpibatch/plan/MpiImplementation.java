package dev.mpibatch.plan;

import java.util.Locale;

/** Which MPI a job uses: detected on the main node, or pinned in the job file ({@code mpi: mpich}). */
public enum MpiImplementation {
    /** Whatever {@code mpirun} on the main node is. */
    AUTO,
    /** Open MPI (4 or 5, told apart by its version). */
    OPENMPI,
    /** MPICH with its Hydra launcher. */
    MPICH;

    /** The name in job files. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a job file's value; throws naming the accepted ones. */
    public static MpiImplementation parse(String text) {
        for (MpiImplementation value : values()) {
            if (value.fileName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an MPI implementation: use auto, openmpi or mpich");
    }
}
