package dev.mpibatch.agent.mpi;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mpibatch.plan.Step;

/**
 * How to drive one MPI implementation over the formed cluster: its hostfile format, its environment, its
 * compiler and launcher command lines, and how to tell which node a line of output came from.
 */
public interface MpiDriver {

    /** For messages: "Open MPI 4.1.4", "MPICH 4.0.2". */
    String description();

    /** The hostfile, main node first. */
    String hostfile(MpiCluster cluster);

    /** Environment for every step's programs. */
    Map<String, String> environment(MpiCluster cluster);

    /**
     * Environment that makes waiting ranks yield their core instead of busy-polling: for clusters whose ranks
     * outnumber a machine's cores ({@link SharedCores}).
     */
    Map<String, String> yieldWhenIdle();

    /** The compiler command for a {@code cc} step. */
    List<String> compile(List<String> args);

    /**
     * The launcher command for an {@code exec} or {@code run} step whose ranks must all see the variables
     * {@code exported} (names of the launcher's own environment, see {@link StepEnvironment#exported}).
     */
    List<String> launch(Step.Mpi step, MpiCluster cluster, Set<String> exported);

    /** The launcher command for a step whose ranks need nothing of the launcher's environment by name. */
    default List<String> launch(Step.Mpi step, MpiCluster cluster) {
        return launch(step, cluster, Set.of());
    }

    /** Where a launch step's output goes: labelled by node where this MPI can tell, else {@code sink} itself. */
    OutputSink output(Step.Mpi step, MpiCluster cluster, OutputSink sink);

    /**
     * Facts for every step and rank, the same for every MPI and on every node: where the hostfile and the ssh
     * configuration are, how many nodes, which job and attempt (Batch's job id, without a node's {@code #index}).
     */
    static Map<String, String> clusterFacts(MpiCluster cluster) {
        return Map.of("MPI_BATCH_HOSTFILE", cluster.files().hostfile().toString(),
                "MPI_BATCH_SSH_CONFIG", cluster.files().sshConfig().toString(),
                "MPI_BATCH_SSH", cluster.files().ssh().toString(),
                "MPI_BATCH_NUM_NODES", Integer.toString(cluster.roster().nodes().size()),
                "MPI_BATCH_JOB_ID", cluster.roster().jobId(),
                "MPI_BATCH_JOB_ATTEMPT", Integer.toString(cluster.roster().attempt()));
    }
}
