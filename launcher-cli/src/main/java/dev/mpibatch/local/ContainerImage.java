package dev.mpibatch.local;

import java.util.Objects;

/**
 * The node image a container cluster runs, and what the job definition would set for it.
 *
 * @param name   the image, as podman names it (e.g. {@code localhost/mpi-batch:latest})
 * @param shmMiB the size of every node's {@code /dev/shm}; Batch's default (Docker's) is 64 MiB when the job definition
 *               sets no {@code linuxParameters.sharedMemorySize}
 */
public record ContainerImage(String name, int shmMiB) {
    /** Docker's {@code /dev/shm}, which Batch keeps unless the job definition sets a size. */
    public static final int DEFAULT_SHM_MIB = 64;

    public ContainerImage {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new dev.mpibatch.launcher.InvalidInputException("--image: name an image, e.g. localhost/mpi-batch:latest");
        }
        if (shmMiB < 1) {
            throw new dev.mpibatch.launcher.InvalidInputException("--shm-size " + shmMiB + ": /dev/shm needs at least 1 MiB");
        }
    }
}
