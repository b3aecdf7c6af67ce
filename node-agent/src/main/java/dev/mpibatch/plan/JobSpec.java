package dev.mpibatch.plan;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A validated job: how many nodes, what to stage, the plan's steps and what surrounds them.
 *
 * <p>This record (serialised by {@link PlanCodec}) is the contract between the launcher and the node agent.
 * Instances are only built through {@link PlanParser} or {@link JobSpecValidator}, so a spec that exists
 * is valid.
 *
 * <p>Versions: 1 is the original format; 2 adds {@code env} (job and step). A plan is written with the lowest version
 * that expresses it ({@link #requiredSchemaVersion()}), so an agent that reads only version 1 still runs plans that
 * use nothing newer, and refuses the others saying which version it reads.
 *
 * @param schemaVersion the job file format's version, {@link #FIRST_SCHEMA_VERSION} to {@link #SCHEMA_VERSION}
 * @param name          a name for the job: letters, digits, '-' and '_'
 * @param nodes         how many nodes (1 to 1000)
 * @param slotsPerNode  MPI slots per node; empty means the node's CPU count
 * @param workingDir    absolute path of the working directory on every node
 * @param files         files staged into the working directory of every node, relative to the job file's folder
 * @param timeouts      bounds on every wait
 * @param mpi           which MPI runs the job's steps
 * @param steps         what the main node runs, in order
 * @param env           variables every step's program and every rank on every node sees (see {@link JobEnvironment})
 */
public record JobSpec(int schemaVersion, String name, int nodes, OptionalInt slotsPerNode, String workingDir,
                      List<String> files, Timeouts timeouts, MpiImplementation mpi, List<Step> steps,
                      Map<String, String> env) {

    /** The newest schema version this build reads and writes. */
    public static final int SCHEMA_VERSION = 2;
    /** The oldest schema version this build reads. */
    public static final int FIRST_SCHEMA_VERSION = 1;
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
        env = JobEnvironment.copy(env);
    }

    /** A version 1 job: no environment. */
    public JobSpec(int schemaVersion, String name, int nodes, OptionalInt slotsPerNode, String workingDir,
                   List<String> files, Timeouts timeouts, MpiImplementation mpi, List<Step> steps) {
        this(schemaVersion, name, nodes, slotsPerNode, workingDir, files, timeouts, mpi, steps, Map.of());
    }

    /** The lowest schema version that can express this job: 2 when it has an {@code env} (its own or a step's). */
    public int requiredSchemaVersion() {
        boolean version2 = !env.isEmpty() || steps.stream().anyMatch(step -> !step.env().isEmpty());
        return version2 ? 2 : FIRST_SCHEMA_VERSION;
    }

    /** The same job on another number of nodes (the {@code --nodes} override); validated again. */
    public JobSpec withNodes(int newNodes) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, newNodes, slotsPerNode, workingDir,
                files, timeouts, mpi, steps, env));
    }

    /** The same job with another slot count per node (the {@code --slots-per-node} override); validated again. */
    public JobSpec withSlotsPerNode(int slots) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, OptionalInt.of(slots), workingDir,
                files, timeouts, mpi, steps, env));
    }

    /** The same job run in another working directory (a local cluster picks its own). */
    public JobSpec withWorkingDir(String dir) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, dir,
                files, timeouts, mpi, steps, env));
    }

    /** The same job with another MPI (the {@code --mpi} override). */
    public JobSpec withMpi(MpiImplementation newMpi) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, workingDir,
                files, timeouts, newMpi, steps, env));
    }

    public JobSpec withTimeouts(Timeouts newTimeouts) {
        return JobSpecValidator.validate(new JobSpec(schemaVersion, name, nodes, slotsPerNode, workingDir,
                files, newTimeouts, mpi, steps, env));
    }

    /**
     * The same job with {@code overrides} over its {@code env} (the {@code --env NAME=VALUE} options); validated
     * again, so a reserved or invalid name is refused naming {@code env.NAME}.
     */
    public JobSpec withEnv(Map<String, String> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        Map<String, String> merged = JobEnvironment.merge(env, overrides);
        return JobSpecValidator.validate(new JobSpec(Math.max(schemaVersion, 2), name, nodes, slotsPerNode,
                workingDir, files, timeouts, mpi, steps, merged));
    }
}
