package dev.mpibatch.agent.ssh;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What this node's sshd serves.
 *
 * @param stateDir          the agent's private state directory (0700)
 * @param listenAddress     the cluster address: sshd listens there only
 * @param port              the port
 * @param hostKey           the node's own host private key
 * @param hostCertificate   the host key's certificate, signed by the cluster's authority
 * @param trustedUserCaKeys the cluster authority's public key: users with a certificate it signed may log in
 * @param pidFile           where sshd writes its pid
 * @param root              whether the agent runs as root (root logins by key are then allowed)
 */
public record SshdSettings(Path stateDir, String listenAddress, int port, Path hostKey, Path hostCertificate,
                           Path trustedUserCaKeys, Path pidFile, boolean root) {
    public SshdSettings {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(listenAddress, "listenAddress");
        Objects.requireNonNull(hostKey, "hostKey");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
        Objects.requireNonNull(trustedUserCaKeys, "trustedUserCaKeys");
        Objects.requireNonNull(pidFile, "pidFile");
    }
}
