package dev.mpibatch.agent.rendezvous;

import java.util.Objects;

/**
 * What one node publishes about itself under {@code nodes/<index>.json}: only public facts, never a private key.
 *
 * @param jobId        the multi-node job id (without {@code #index})
 * @param attempt      the job attempt, from 1
 * @param index        the node index
 * @param address      the node's cluster address (IPv4)
 * @param sshPort      the port its sshd listens on
 * @param slots        MPI slots offered by the node
 * @param hostname     the node's hostname (for messages)
 * @param userKey      the node's user public key, one OpenSSH line ({@code ssh-ed25519 AAAA... comment})
 * @param hostKey      the node's host public key, one OpenSSH line
 * @param agentVersion the version of the agent that wrote it
 * @param cpus         the CPUs the node may use (its container's limit), 0 when unknown
 * @param machine      an opaque id of the machine (kernel) the node runs on: nodes with the same id share its cores
 *                     (a local cluster's hosts); empty when unknown
 * @param notifyPort   the port on {@code address} where the worker waits to hear that its bundle is written
 *                     ({@link BundleDoorbell}), 0 for none
 */
public record NodeRecord(String jobId, int attempt, int index, String address, int sshPort, int slots,
                         String hostname, String userKey, String hostKey, String agentVersion, int cpus,
                         String machine, int notifyPort) {
    public NodeRecord {
        Objects.requireNonNull(jobId, "jobId");
        machine = machine == null ? "" : machine;
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(userKey, "userKey");
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(agentVersion, "agentVersion");
    }

    /** A record whose CPUs and machine are unknown, without a doorbell (tests, simulations). */
    public NodeRecord(String jobId, int attempt, int index, String address, int sshPort, int slots, String hostname,
                      String userKey, String hostKey, String agentVersion) {
        this(jobId, attempt, index, address, sshPort, slots, hostname, userKey, hostKey, agentVersion, 0, "", 0);
    }

    /** This record with a doorbell at {@code port}. */
    public NodeRecord withNotifyPort(int port) {
        return new NodeRecord(jobId, attempt, index, address, sshPort, slots, hostname, userKey, hostKey,
                agentVersion, cpus, machine, port);
    }
}
