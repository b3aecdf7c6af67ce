package dev.mpibatch.agent.mpi;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.mpibatch.agent.ssh.ClusterFiles;
import dev.mpibatch.plan.JobEnvironment;
import dev.mpibatch.plan.Step;

/**
 * The environment of the plan's programs, built from named parts only, so that it is the same on every node and for
 * every rank: the agent's own environment (on a local cluster, the caller's shell; on Batch, the container's) does not
 * pass, except for the few {@link #FROM_NODE} variables a program needs to run at all. In order, later parts winning:
 * <ol>
 *   <li>{@link #FROM_NODE}, as the main node has them;</li>
 *   <li>the MPI's settings and the cluster's facts ({@link MpiDriver#environment}: {@code MPI_BATCH_HOSTFILE},
 *       {@code MPI_BATCH_NUM_NODES}, ...);</li>
 *   <li>the job's {@code env} (it may override an MPI setting such as {@code OMPI_MCA_btl}, on purpose);</li>
 *   <li>the step's {@code env}.</li>
 * </ol>
 * An MPI step's launcher runs with exactly this environment and passes all of it to every rank on every node
 * ({@link #exported}): ranks on other nodes are started through ssh, whose sessions inherit nothing of the launcher's.
 */
public final class StepEnvironment {
    /**
     * Variables of the node's environment that programs keep: where programs and libraries are (an image's
     * {@code ENV PATH=...} would otherwise be lost on other nodes, whose ranks start from an ssh session; the agent's
     * entrypoint puts mpi-batch-node and the mpi_batch module first in PATH and PYTHONPATH), who runs
     * them, the locale (the agent's entrypoint sets {@code LC_ALL=C.UTF-8} when the locale is not UTF-8), the time
     * zone, and the region AWS SDKs should use.
     */
    public static final List<String> FROM_NODE = List.of("PATH", "LD_LIBRARY_PATH", "PYTHONPATH", "HOME", "USER", "LOGNAME",
            "SHELL", "LANG", "LC_ALL", "TZ", "AWS_REGION", "AWS_DEFAULT_REGION");
    /**
     * Prefixes of variables an MPI launcher hands to its ranks by itself: Open MPI takes {@code OMPI_*} from its
     * environment to every rank, and these would be refused or doubled if named again.
     */
    private static final List<String> FORWARDED_BY_MPI = List.of("OMPI_", "PRTE_", "PMIX_");

    private final Map<String, String> job;

    private StepEnvironment(Map<String, String> job) {
        this.job = job;
    }

    /**
     * @param node the agent's own environment, of which only {@link #FROM_NODE} is kept
     * @param mpi  the MPI's settings and the cluster's facts
     * @param env  the job's {@code env}
     */
    public static StepEnvironment of(Map<String, String> node, Map<String, String> mpi, Map<String, String> env) {
        Map<String, String> job = new TreeMap<>();
        for (String name : FROM_NODE) {
            String value = node.get(name);
            if (value != null) {
                job.put(name, value);
            }
        }
        job.putAll(mpi);
        job.putAll(env);
        return new StepEnvironment(Collections.unmodifiableMap(job));
    }

    /** What every step sees before its own {@code env}. */
    public Map<String, String> job() {
        return job;
    }

    /** The whole environment of {@code step}'s program. */
    public Map<String, String> forStep(Step step) {
        return JobEnvironment.merge(job, step.env());
    }

    /**
     * The names an MPI launcher must pass to every rank by name for the ranks to see {@code stepEnv} whole: all of
     * it but what the MPI forwards itself, plus the file the agent names for the launcher's daemons (set by
     * {@link ProcessRunner}), so that ranks on the main node and elsewhere see the same names.
     */
    public static Set<String> exported(Map<String, String> stepEnv) {
        Set<String> names = new TreeSet<>();
        for (String name : stepEnv.keySet()) {
            if (FORWARDED_BY_MPI.stream().noneMatch(name::startsWith)) {
                names.add(name);
            }
        }
        names.add(ClusterFiles.LAUNCHER_OUTPUT);
        return names;
    }
}
