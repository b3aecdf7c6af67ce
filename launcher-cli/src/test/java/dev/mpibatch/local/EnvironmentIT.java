package dev.mpibatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.mpibatch.testing.Requirements;

/**
 * The job's {@code env} reaches every rank on every host and every {@code sh} step, with Open MPI and with MPICH,
 * and the caller's own environment reaches none: every rank on every host sees the same variable names (but for the
 * MPI's own per-rank ones), and none but the job's and the agent's.
 */
class EnvironmentIT {
    /** Hostile on purpose: spaces, quotes, a dollar, a backslash, an '=', non-ASCII. */
    static final String CUSTOM = "a b 'c' \"d\" $HOME \\ x=y caf\u00e9 \u2603";
    private static final Pattern RANK_LINE = Pattern.compile(
            "\\[node (\\d+)] (?:\\[\\d+,\\d+]<stdout>: )?RANK host=(\\S+) rank=(\\S+) local=(\\S+) omp=(\\S*) "
                    + "custom=<(.*)> step=(\\S*) leak=(\\S+) names=(.*)");
    /** What an MPI sets for each rank by itself (numbers, its daemons' addresses): left out of the comparison. */
    private static final Pattern MPI_OWN = Pattern.compile("OMPI_.*|PMIX_.*|PMI_.*|HYDI_.*|MPI_LOCALRANKID|MPI_LOCALNRANKS");
    /**
     * Everything else a rank may see: the job's variables, the agent's facts and MPI settings, the node's login and
     * locale ({@code StepEnvironment.FROM_NODE}), what the launchers always add, and {@code PWD} of the rank's shell.
     */
    private static final Pattern ALLOWED = Pattern.compile("OMP_NUM_THREADS|CUSTOM_VAR|STEP_VAR|FLAG_VAR|MPI_BATCH_.*|"
            + "PATH|LD_LIBRARY_PATH|PYTHONPATH|HOME|USER|LOGNAME|SHELL|LANG|LC_ALL|TZ|AWS_REGION|AWS_DEFAULT_REGION|"
            + "HYDRA_HOST_FILE|HYDRA_LAUNCHER|HYDRA_LAUNCHER_EXEC|FI_TCP_IFACE|FI_SOCKETS_IFACE|UCX_NET_DEVICES|"
            + "MPIR_CVAR_.*|GFORTRAN_UNBUFFERED_PRECONNECTED|HFI_NO_BACKTRACE|IPATH_NO_BACKTRACE|"
            + "PWD");

    @TempDir
    Path temp;

    @BeforeEach
    void requirements() {
        LocalRun.requireNamespaceCluster();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openmpi", "mpich"})
    void jobEnv_reachesEveryRankOnEveryHostAndShSteps_theCallersEnvironmentNone(String mpi) throws Exception {
        if (mpi.equals("mpich")) {
            Requirements.requireMpich();
        }
        String rank = mpi.equals("mpich") ? "$PMI_RANK" : "$OMPI_COMM_WORLD_RANK";
        String local = mpi.equals("mpich") ? "$MPI_LOCALRANKID" : "$OMPI_COMM_WORLD_LOCAL_RANK";
        String report = "echo RANK host=$(hostname) rank=" + rank + " local=" + local + " omp=$OMP_NUM_THREADS "
                + "custom=\\<\"$CUSTOM_VAR\"\\> step=${STEP_VAR-} leak=${CALLERS_VAR-unset} "
                + "names=$(env | sed -n 's/^\\([A-Za-z_][A-Za-z0-9_]*\\)=.*/\\1/p' | sort | tr '\\n' ' ')";
        Path job = java.nio.file.Files.writeString(temp.resolve("env.yaml"), String.join("\n",
                "name: env",
                "nodes: 3",
                "slotsPerNode: 2",
                "mpi: " + mpi,
                "env:",
                "  OMP_NUM_THREADS: 3",
                "  CUSTOM_VAR: " + yamlQuoted(CUSTOM),
                "steps:",
                "  - exec: {program: sh, programArgs: ['-c', " + yamlQuoted(report) + "]}",
                "    env: {STEP_VAR: from-the-step}",
                "  - sh: " + yamlQuoted(report.replace(rank, "sh").replace(local, "sh")), ""));
        Map<String, String> callers = new HashMap<>(Map.of("CALLERS_VAR", "from-the-shell", "OMP_NUM_THREADS", "99"));

        LocalRun run = LocalRun.run(callers, "local", job.toString(), "--env", "FLAG_VAR=from-the-flag");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Matcher> ranks = new ArrayList<>();
        Matcher shStep = null;
        for (String line : run.out().lines().toList()) {
            Matcher m = RANK_LINE.matcher(line);
            if (m.matches()) {
                if (m.group(3).equals("sh") || m.group(4).equals("sh")) {
                    shStep = m;
                } else {
                    ranks.add(m);
                }
            }
        }
        assertThat(ranks).as("one line per rank, 3 hosts x 2 slots").hasSize(6);
        assertThat(shStep).as("the sh step's line").isNotNull();
        Set<String> hosts = new TreeSet<>();
        Set<String> rankNumbers = new TreeSet<>();
        Set<String> names = null;
        for (Matcher m : ranks) {
            hosts.add(m.group(2));
            rankNumbers.add(m.group(3));
            assertThat(m.group(2)).as("the rank's host is the node that labelled it").isEqualTo("env-" + m.group(1));
            assertThat(m.group(4)).as("local rank on its host").isIn("0", "1");
            assertThat(m.group(5)).as("OMP_NUM_THREADS from the job file, not the caller's 99").isEqualTo("3");
            assertThat(m.group(6)).isEqualTo(CUSTOM);
            assertThat(m.group(7)).isEqualTo("from-the-step");
            assertThat(m.group(8)).as("the caller's variable").isEqualTo("unset");
            Set<String> jobNames = jobNames(m.group(9));
            assertThat(jobNames).as("rank " + m.group(3) + ": nothing but the job's and the agent's")
                    .allMatch(name -> ALLOWED.matcher(name).matches());
            assertThat(jobNames).contains("OMP_NUM_THREADS", "CUSTOM_VAR", "STEP_VAR", "FLAG_VAR", "PATH",
                    "MPI_BATCH_HOSTFILE", "MPI_BATCH_NUM_NODES").doesNotContain("CALLERS_VAR", "AWS_BATCH_JOB_ID",
                    "MPI_BATCH_PLAN", "MPI_BATCH_RENDEZVOUS");
            if (names == null) {
                names = jobNames;
            }
            assertThat(jobNames).as("rank " + m.group(3) + " on " + m.group(2) + " sees the same names as rank "
                    + ranks.get(0).group(3)).isEqualTo(names);
        }
        assertThat(hosts).containsExactly("env-0", "env-1", "env-2");
        assertThat(rankNumbers).containsExactly("0", "1", "2", "3", "4", "5");
        assertThat(shStep.group(5)).isEqualTo("3");
        assertThat(shStep.group(6)).isEqualTo(CUSTOM);
        assertThat(shStep.group(7)).as("the exec step's env is its own").isEmpty();
        assertThat(shStep.group(8)).isEqualTo("unset");
        assertThat(jobNames(shStep.group(9))).contains("FLAG_VAR", "MPI_BATCH_HOSTFILE").doesNotContain("CALLERS_VAR");
        Leftovers.assertNone(run.runId());
    }

    private static Set<String> jobNames(String names) {
        Set<String> set = new TreeSet<>();
        for (String name : names.trim().split(" ")) {
            if (!name.isEmpty() && !MPI_OWN.matcher(name).matches()) {
                set.add(name);
            }
        }
        return set;
    }

    /** A YAML double-quoted scalar. */
    static String yamlQuoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
