package dev.mpibatch.agent.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.plan.Step;

/**
 * Open MPI 4 (ORTE) and 5 (PRRTE). Both read {@code addr slots=N} hostfiles; their launchers take settings under
 * different names: Open MPI 5 silently ignores ORTE's {@code OMPI_MCA_orte_*} and wants {@code PRTE_MCA_*}.
 */
public final class OpenMpiDriver implements MpiDriver {
    /** Where EFA and InfiniBand devices appear in a container that was given them. */
    private static final Path RDMA_DEVICES = Path.of("/dev/infiniband");

    private final int major;
    private final String version;
    private final String suffix;

    /**
     * @param version the version, e.g. {@code 4.1.4}
     * @param suffix  the Debian alternatives suffix of its programs ({@code .openmpi}), or empty
     */
    public OpenMpiDriver(String version, String suffix) {
        this.version = version;
        this.major = Integer.parseInt(version.split("\\.")[0]);
        this.suffix = suffix;
    }

    @Override
    public String description() {
        return "Open MPI " + version;
    }

    @Override
    public String hostfile(MpiCluster cluster) {
        StringBuilder text = new StringBuilder();
        for (NodeRecord node : cluster.roster().nodes()) {
            text.append(node.address()).append(" slots=").append(node.slots()).append('\n');
        }
        return text.toString();
    }

    @Override
    public Map<String, String> environment(MpiCluster cluster) {
        Map<String, String> env = new LinkedHashMap<>();
        String ssh = cluster.files().launcherSsh().toString();
        String hostfile = cluster.files().hostfile().toString();
        if (major >= 5) {
            env.put("PRTE_MCA_plm_ssh_agent", ssh);
            env.put("PRTE_MCA_prte_default_hostfile", hostfile);
            env.put("PRTE_MCA_oob_tcp_if_include", cluster.subnetCidr());
        } else {
            env.put("OMPI_MCA_plm_rsh_agent", ssh);
            env.put("OMPI_MCA_orte_default_hostfile", hostfile);
            env.put("OMPI_MCA_oob_tcp_if_include", cluster.subnetCidr());
        }
        env.put("OMPI_MCA_btl_tcp_if_include", cluster.subnetCidr());
        if (cluster.oneMachine()) {
            // One machine, one hostname: shared memory would take ranks of different "nodes" for neighbours.
            env.put("OMPI_MCA_btl", "self,tcp");
        } else if (major < 5) {
            // Without RDMA devices, name the transports that work: excluding only openib (no verbs, no warnings)
            // leaves btl/ofi to probe libfabric's providers in every MPI_Init, 1.4 s on 8 hosts (launch benchmark).
            // With EFA or InfiniBand devices, libfabric is what the job wants.
            env.put("OMPI_MCA_btl", Files.isDirectory(RDMA_DEVICES) ? "^openib" : "self,vader,tcp");
        }
        if (cluster.root()) {
            env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
            if (major >= 5) {
                env.put("PRTE_ALLOW_RUN_AS_ROOT", "1");
                env.put("PRTE_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
            }
        }
        env.putAll(MpiDriver.clusterFacts(cluster));
        return env;
    }

    /** Open MPI 4 and 5 alike; mpirun passes OMPI_MCA_* variables on to every rank, on every node. */
    @Override
    public Map<String, String> yieldWhenIdle() {
        return Map.of("OMPI_MCA_mpi_yield_when_idle", "1");
    }

    @Override
    public List<String> compile(List<String> args) {
        List<String> command = new ArrayList<>(List.of("mpicc" + suffix));
        command.addAll(args);
        return command;
    }

    /**
     * Ranks on other nodes start from their daemon's ssh session, which has none of mpirun's environment: each
     * exported name goes with {@code -x NAME}, whose value mpirun takes from its own environment (never from the
     * command line, where any user of the node could read it).
     */
    @Override
    public List<String> launch(Step.Mpi step, MpiCluster cluster, Set<String> exported) {
        List<String> command = new ArrayList<>(List.of(step.launcher().command() + suffix,
                "--hostfile", cluster.files().hostfile().toString()));
        for (String name : exported) {
            command.addAll(List.of("-x", name));
        }
        if (labels(step)) {
            command.addAll(OpenMpiOutputLabeler.OPTIONS);
        }
        command.addAll(step.args());
        command.add(step.program());
        command.addAll(step.programArgs());
        return command;
    }

    @Override
    public OutputSink output(Step.Mpi step, MpiCluster cluster, OutputSink sink) {
        return labels(step) ? new OpenMpiOutputLabeler(cluster.roster(), sink) : sink;
    }

    /** Open MPI 4's job map is what the labeler reads; Open MPI 5 prints another format, left as it is. */
    private boolean labels(Step.Mpi step) {
        return major < 5 && !OpenMpiOutputLabeler.userChoseOutputFormat(step.args());
    }
}
