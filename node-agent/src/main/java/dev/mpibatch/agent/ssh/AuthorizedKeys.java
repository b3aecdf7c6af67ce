package dev.mpibatch.agent.ssh;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/** authorized_keys: every node's user key, each allowed to run commands and nothing more. */
public final class AuthorizedKeys {
    private static final String OPTIONS = "no-agent-forwarding,no-port-forwarding,no-X11-forwarding";

    private AuthorizedKeys() {
    }

    public static String render(Roster roster) {
        StringBuilder text = new StringBuilder();
        for (NodeRecord node : roster.nodes()) {
            text.append(OPTIONS).append(' ').append(node.userKey()).append('\n');
        }
        return text.toString();
    }
}
