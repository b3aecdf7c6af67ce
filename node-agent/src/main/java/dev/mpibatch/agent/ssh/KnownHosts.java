package dev.mpibatch.agent.ssh;

import dev.mpibatch.agent.rendezvous.NodeBundle;

/**
 * known_hosts: one line whatever the cluster's size, trusting host certificates signed by the cluster's authority.
 * ssh still checks that the certificate names the address it connects to, and refuses any other host key
 * (StrictHostKeyChecking stays on).
 */
public final class KnownHosts {
    private KnownHosts() {
    }

    public static String render(NodeBundle bundle) {
        return "@cert-authority * " + keyWithoutComment(bundle.certificateAuthority()) + "\n";
    }

    static String keyWithoutComment(String publicKeyLine) {
        String[] parts = publicKeyLine.trim().split("\\s+");
        return parts.length >= 2 ? parts[0] + " " + parts[1] : publicKeyLine.trim();
    }
}
