package dev.mpibatch.agent.liveness;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.NodeSignatures;

/**
 * The workers the main node's beacon lets in: each worker's address and host key, from the roster the main node
 * gathered (and checked) through the rendezvous. Nothing else is trusted: not a claimed index alone, not an address
 * alone.
 */
public final class BeaconPeers {
    private final String jobId;
    private final int attempt;
    private final Map<Integer, NodeRecord> workers = new HashMap<>();
    private final Set<String> addresses = new HashSet<>();

    private BeaconPeers(String jobId, int attempt) {
        this.jobId = jobId;
        this.attempt = attempt;
    }

    /** Every node of {@code roster} but the main node itself. */
    public static BeaconPeers of(Roster roster, int mainIndex) {
        BeaconPeers peers = new BeaconPeers(roster.jobId(), roster.attempt());
        for (NodeRecord node : roster.nodes()) {
            if (node.index() != mainIndex) {
                peers.workers.put(node.index(), node);
                peers.addresses.add(node.address());
            }
        }
        return peers;
    }

    /** Whether a connection from {@code source} may even start a handshake. */
    boolean isWorkerAddress(InetAddress source) {
        return addresses.contains(source.getHostAddress());
    }

    /**
     * Why the answer of a client at {@code source}, claiming {@code index}, to {@code nonce} is refused; empty when
     * it is that worker.
     */
    Optional<String> refusal(InetAddress source, int index, byte[] nonce, byte[] signature) {
        NodeRecord node = workers.get(index);
        if (node == null) {
            return Optional.of("claims node " + index + ", which is not a worker of this cluster");
        }
        if (!node.address().equals(source.getHostAddress())) {
            return Optional.of("claims node " + index + ", whose address is " + node.address());
        }
        if (!NodeSignatures.verify(node.hostKey(), BeaconHandshake.signedData(jobId, attempt, index, nonce), signature)) {
            return Optional.of("claims node " + index + " but its signature is not by that node's host key");
        }
        return Optional.empty();
    }
}
