package dev.mpibatch.agent.ssh;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/** known_hosts: every node's host key under the address and port ssh will use, so host keys are verified. */
public final class KnownHosts {
    private KnownHosts() {
    }

    public static String render(Roster roster) {
        StringBuilder text = new StringBuilder();
        for (NodeRecord node : roster.nodes()) {
            text.append(hostPattern(node)).append(' ').append(keyWithoutComment(node.hostKey())).append('\n');
        }
        return text.toString();
    }

    /** How OpenSSH names a host in known_hosts: {@code addr} on port 22, {@code [addr]:port} otherwise. */
    public static String hostPattern(NodeRecord node) {
        return node.sshPort() == 22 ? node.address() : "[" + node.address() + "]:" + node.sshPort();
    }

    static String keyWithoutComment(String publicKeyLine) {
        String[] parts = publicKeyLine.trim().split("\\s+");
        return parts.length >= 2 ? parts[0] + " " + parts[1] : publicKeyLine.trim();
    }
}
