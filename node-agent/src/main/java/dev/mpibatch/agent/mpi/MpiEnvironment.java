package dev.mpibatch.agent.mpi;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.mpibatch.agent.ssh.ClusterFiles;

/** The environment the plan's steps run with: how Open MPI reaches the nodes, and facts for {@code sh} steps. */
public final class MpiEnvironment {
    private MpiEnvironment() {
    }

    /**
     * Open MPI 4: launch over ssh with our client config (host keys verified), keep TCP on the cluster subnet,
     * and allow running as root only when the agent is root (containers usually are).
     */
    public static Map<String, String> openMpi(ClusterFiles files, String subnetCidr, boolean runningAsRoot, int numNodes) {
        return openMpi(files, subnetCidr, runningAsRoot, numNodes, false);
    }

    /**
     * The same; {@code oneMachine} says the "nodes" are processes of one machine sharing a hostname (a loopback
     * cluster), where Open MPI's shared-memory transport would take ranks of different nodes for neighbours and
     * crash: they then talk over TCP only.
     */
    public static Map<String, String> openMpi(ClusterFiles files, String subnetCidr, boolean runningAsRoot, int numNodes,
                                              boolean oneMachine) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMPI_MCA_plm_rsh_agent", "ssh");
        env.put("OMPI_MCA_plm_rsh_args", "-F " + files.sshConfig());
        env.put("OMPI_MCA_orte_default_hostfile", files.hostfile().toString());
        env.put("OMPI_MCA_btl_tcp_if_include", subnetCidr);
        env.put("OMPI_MCA_oob_tcp_if_include", subnetCidr);
        // No InfiniBand verbs in containers without EFA: skip the probe and its warnings.
        env.put("OMPI_MCA_btl", oneMachine ? "self,tcp" : "^openib");
        if (runningAsRoot) {
            env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
            env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        }
        env.put("MPI_BATCH_HOSTFILE", files.hostfile().toString());
        env.put("MPI_BATCH_SSH_CONFIG", files.sshConfig().toString());
        env.put("MPI_BATCH_NUM_NODES", Integer.toString(numNodes));
        return env;
    }
}
