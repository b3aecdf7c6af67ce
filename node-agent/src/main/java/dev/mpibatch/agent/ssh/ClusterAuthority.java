package dev.mpibatch.agent.ssh;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.mpibatch.agent.rendezvous.NodeBundle;
import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * The main node's certificate authority for one cluster: it turns the checked roster into one {@link NodeBundle}
 * per node. Host certificates name the node's address (what ssh connects to), user certificates the login user;
 * both are valid for the job's expected duration, with a margin for clocks that disagree.
 */
public final class ClusterAuthority {
    /** Nodes' clocks may differ a little; a certificate that is not yet valid would fail the job. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final CertificateAuthority ca;
    private final Roster roster;
    private final String user;
    private final Instant validAfter;
    private final Instant validBefore;
    private final int sshPort;
    private final Map<String, Integer> ports = new HashMap<>();

    /**
     * @param roster   the checked records of every node
     * @param user     the login user on every node (the user certificates' principal)
     * @param now      the main node's time
     * @param validity how long the job may still run
     */
    public ClusterAuthority(Roster roster, String user, Instant now, Duration validity) {
        this.ca = CertificateAuthority.create("mpi-batch-ca " + roster.jobId() + " attempt " + roster.attempt());
        this.roster = roster;
        this.user = user;
        this.validAfter = now.minus(CLOCK_SKEW);
        this.validBefore = now.plus(validity).plus(CLOCK_SKEW);
        boolean samePort = roster.nodes().stream().mapToInt(NodeRecord::sshPort).distinct().count() <= 1;
        this.sshPort = samePort && !roster.nodes().isEmpty() ? roster.node(0).sshPort() : 0;
        if (!samePort) {
            for (NodeRecord n : roster.nodes()) {
                if (ports.putIfAbsent(n.address(), n.sshPort()) != null) {
                    throw new IllegalStateException("two nodes share the address " + n.address() + " on different "
                            + "ports: ssh cannot tell them apart; give every node its own address");
                }
            }
        }
    }

    /**
     * The bundle for node {@code index}: the authority's key and the node's two fresh certificates.
     *
     * @param beaconPort the port of the main node's liveness beacon, where workers learn that it is gone
     */
    public NodeBundle bundleFor(int index, int mainIndex, int beaconPort) {
        NodeRecord node = roster.node(index);
        NodeRecord main = roster.node(mainIndex);
        String id = roster.jobId() + " attempt " + roster.attempt() + " node " + index;
        return new NodeBundle(roster.jobId(), roster.attempt(), index, ca.publicKeyLine(),
                ca.signHost(node.hostKey(), node.address(), id + " host", validAfter, validBefore),
                ca.signUser(node.userKey(), user, id + " user", validAfter, validBefore),
                user, main.address(), beaconPort, sshPort, ports);
    }
}
