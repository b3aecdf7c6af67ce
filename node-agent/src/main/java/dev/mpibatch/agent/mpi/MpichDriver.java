package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.plan.Step;

/**
 * MPICH with its Hydra launcher: {@code addr:N} hostfiles, ssh through our wrapper ({@code -launcher-exec}: Hydra
 * takes a program, not ssh options), the cluster interface named with {@code -iface}.
 */
public final class MpichDriver implements MpiDriver {
    /**
     * Arguments after which Hydra's placement is no longer "fill each host's slots in order", or with which the user
     * chose the output's labels.
     */
    private static final Set<String> PLACEMENT_ARGS = Set.of("-n", "-np", "-ppn", "-hosts", "-host", "-f", "-hostfile",
            "-machinefile", "-configfile", "-prepend-rank", "-l",
            "-prepend-pattern");

    private final String version;
    private final String suffix;

    public MpichDriver(String version, String suffix) {
        this.version = version;
        this.suffix = suffix;
    }

    @Override
    public String description() {
        return "MPICH " + version;
    }

    @Override
    public String hostfile(MpiCluster cluster) {
        StringBuilder text = new StringBuilder();
        for (NodeRecord node : cluster.roster().nodes()) {
            text.append(node.address()).append(':').append(node.slots()).append('\n');
        }
        return text.toString();
    }

    @Override
    public Map<String, String> environment(MpiCluster cluster) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HYDRA_LAUNCHER", "ssh");
        env.put("HYDRA_LAUNCHER_EXEC", cluster.files().ssh().toString());
        env.put("HYDRA_HOST_FILE", cluster.files().hostfile().toString());
        if (!cluster.oneMachine()) {
            // libfabric's and UCX's TCP transports otherwise may pick any interface (ecs-eth0 on Batch).
            env.put("FI_TCP_IFACE", cluster.interfaceName());
            env.put("FI_SOCKETS_IFACE", cluster.interfaceName());
            env.put("UCX_NET_DEVICES", cluster.interfaceName());
        }
        env.putAll(MpiDriver.clusterFacts(cluster));
        return env;
    }

    /**
     * What MPICH's own CI sets for oversubscribed runs: ch3 yields after this many polls; ch4 (MPICH 4.2 and later)
     * throttles a progress loop that made no progress. Hydra passes the whole environment on to every rank.
     * MPICH 4.0 with ch4 (Debian 12's) has neither and keeps polling: docs/benchmarks.md shows what that costs.
     */
    @Override
    public Map<String, String> yieldWhenIdle() {
        return Map.of("MPIR_CVAR_POLLS_BEFORE_YIELD", "1", "MPIR_CVAR_CH4_PROGRESS_THROTTLE", "1",
                "MPIR_CVAR_CH4_PROGRESS_THROTTLE_NO_PROGRESS_COUNT", "1");
    }

    @Override
    public List<String> compile(List<String> args) {
        List<String> command = new ArrayList<>(List.of("mpicc" + suffix));
        command.addAll(args);
        return command;
    }

    /**
     * Hydra passes its whole environment to every rank on every node by default ({@code -genvall}), and the agent
     * starts it with exactly the step's environment, so {@code exported} needs no option of its own.
     */
    @Override
    public List<String> launch(Step.Mpi step, MpiCluster cluster, Set<String> exported) {
        List<String> command = new ArrayList<>(List.of(step.launcher().command() + suffix,
                "-f", cluster.files().hostfile().toString(),
                "-launcher", "ssh", "-launcher-exec", cluster.files().ssh().toString()));
        if (!cluster.oneMachine()) {
            command.addAll(List.of("-iface", cluster.interfaceName()));
        }
        if (labels(step)) {
            command.addAll(List.of("-n", Integer.toString(cluster.totalSlots()),
                    "-prepend-pattern", MpichOutputLabeler.PATTERN));
        }
        command.addAll(step.args());
        command.add(step.program());
        command.addAll(step.programArgs());
        return command;
    }

    @Override
    public OutputSink output(Step.Mpi step, MpiCluster cluster, OutputSink sink) {
        return labels(step) ? new MpichOutputLabeler(cluster.roster(), sink) : sink;
    }

    /** Labels only when we place the ranks ourselves: one per slot, host after host. */
    private static boolean labels(Step.Mpi step) {
        return step.args().stream().noneMatch(PLACEMENT_ARGS::contains);
    }
}
