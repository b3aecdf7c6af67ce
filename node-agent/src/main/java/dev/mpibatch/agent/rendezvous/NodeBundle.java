package dev.mpibatch.agent.rendezvous;

import java.util.Map;
import java.util.Objects;

/**
 * What the main node publishes for one node under {@code bundles/<index>.json} once the cluster is known: the
 * cluster's certificate authority and the node's own two certificates. A few hundred bytes whatever the cluster's
 * size (except {@code ports} on a loopback cluster), so formation downloads O(1) bytes per worker, not the O(N)
 * roster. Only public facts: a certificate is public, the authority's private key never leaves the main node.
 *
 * @param jobId                the multi-node job id
 * @param attempt              the job attempt
 * @param index                the node it is for
 * @param certificateAuthority the authority's public key line: trusted for user logins and for host keys
 * @param hostCertificate      the node's host key, certified for its address
 * @param userCertificate      the node's user key, certified for logging in as {@code user}
 * @param user                 the login user on every node
 * @param mainAddress          the main node's address
 * @param beaconPort           the port of the main node's liveness beacon ({@code MainBeacon})
 * @param sshPort              the port every node's sshd listens on, 0 when they differ (see {@code ports})
 * @param ports                address to port of every node, only when the ports differ (loopback clusters)
 */
public record NodeBundle(String jobId, int attempt, int index, String certificateAuthority, String hostCertificate,
                         String userCertificate, String user, String mainAddress, int beaconPort, int sshPort,
                         Map<String, Integer> ports) {
    public NodeBundle {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(certificateAuthority, "certificateAuthority");
        Objects.requireNonNull(hostCertificate, "hostCertificate");
        Objects.requireNonNull(userCertificate, "userCertificate");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(mainAddress, "mainAddress");
        ports = Map.copyOf(ports == null ? Map.of() : ports);
    }

    /** The port ssh must use for {@code address}. */
    public int portOf(String address) {
        return sshPort != 0 ? sshPort : ports.getOrDefault(address, 22);
    }
}
