package dev.mpibatch.agent.ssh;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;

/** Accepts exactly the host key the node published in the roster, nothing else (no trust on first use). */
final class RosterHostKeyVerifier implements HostKeyVerifier {
    private final NodeRecord node;
    private final byte[] expected;

    RosterHostKeyVerifier(NodeRecord node) {
        this.node = node;
        String[] parts = node.hostKey().trim().split("\\s+");
        this.expected = Base64.getDecoder().decode(parts[1]);
    }

    @Override
    public boolean verify(String hostname, int port, PublicKey key) {
        byte[] presented = new Buffer.PlainBuffer().putPublicKey(key).getCompactData();
        return Arrays.equals(presented, expected);
    }

    @Override
    public List<String> findExistingAlgorithms(String hostname, int port) {
        return List.of(node.hostKey().trim().split("\\s+")[0]);
    }
}
