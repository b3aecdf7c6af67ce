package dev.mpibatch.plan;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A validated job: how many nodes, what to stage, and the plan's steps.
 *
 * <p>This record (serialised by {@link PlanCodec}) is the contract between the launcher and the node agent.
 * Instances are only built through {@link PlanParser} or {@link JobSpecValidator}, so a spec that exists
 * is valid.
 *
 * @param schemaVersion the job file format's version, {@link #SCHEMA_VERSION}
 * @param name          a name for the job: letters, digits, '-' and '_'
 * @param nodes         how many nodes (1 to 1000)
 * @param slotsPerNode  MPI slots per node; empty means the node's CPU count
 * @param workingDir    absolute path of the working directory on every node
 * @param files         files staged into the working directory of every node, relative to the job file's folder
 * @param timeouts      bounds on every wait
 * @param mpi           which MPI runs the job's steps
 * @param steps         what the main node runs, in order
 */
public record JobSpec(int schemaVersion, String name, int nodes, OptionalInt slotsPerNode, String workingDir,
                      List<String> files, Timeouts timeouts, MpiImplementation mpi, List<Step> steps) {

    /** The only schema version this build reads and writes. */
    public static final int SCHEMA_VERSION = 1;
    public static final int MAX_NODES = 1000;
    public static final String DEFAULT_WORKING_DIR = "/var/lib/mpi-batch/work";

    public JobSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slotsPerNode, "slotsPerNode");
        Objects.requireNonNull(workingDir, "workingDir");
        files = List.copyOf(Objects.requireNonNull(files, "files"));
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(mpi, "mpi");
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    }

    /** The same job on another number of nodes (the {@code --nodes} override); validated again. */
    public JobSpec withNodes(int newNodes) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, newNodes, slotsPerNode, workingDir,
                files, timeouts, mpi, steps));
    }

    /** The same job with another slot count per node (the {@code --slots-per-node} override); validated again. */
    public JobSpec withSlotsPerNode(int slots) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, OptionalInt.of(slots), workingDir,
                files, timeouts, mpi, steps));
    }

    /** The same job run in another working directory (a local cluster picks its own). */
    public JobSpec withWorkingDir(String dir) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, dir,
                files, timeouts, mpi, steps));
    }

    /** The same job with another MPI (the {@code --mpi} override). */
    public JobSpec withMpi(MpiImplementation newMpi) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, workingDir,
                files, timeouts, newMpi, steps));
    }

    public JobSpec withTimeouts(Timeouts newTimeouts) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, workingDir,
                files, newTimeouts, mpi, steps));
    }
}
