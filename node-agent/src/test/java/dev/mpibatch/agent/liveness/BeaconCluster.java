package dev.mpibatch.agent.liveness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.NodeSignatures;
import dev.mpibatch.agent.ssh.SshKeyPair;
import dev.mpibatch.agent.ssh.SshKeys;

/**
 * A cluster on loopback for beacon tests: the main node at 127.0.0.1, worker {@code i} at 127.0.0.{@code i+1}, each
 * with a real host key in {@code dir}, and the roster the main node would have gathered.
 */
final class BeaconCluster {
    static final String MAIN = "127.0.0.1";
    static final String JOB = "job-1";

    private final List<SshKeyPair> hostKeys = new ArrayList<>();
    private final Roster roster;

    BeaconCluster(Path dir, int workers) {
        List<NodeRecord> nodes = new ArrayList<>();
        for (int i = 0; i <= workers; i++) {
            SshKeyPair hostKey = SshKeys.generate(dir, "host" + i, "node" + i);
            hostKeys.add(hostKey);
            nodes.add(new NodeRecord(JOB, 1, i, address(i), 2222, 1, "node" + i, hostKey.publicKeyLine(),
                    hostKey.publicKeyLine(), "test"));
        }
        roster = new Roster(JOB, 1, nodes);
    }

    static String address(int index) {
        return "127.0.0." + (index + 1);
    }

    BeaconPeers peers() {
        return BeaconPeers.of(roster, 0);
    }

    /** Worker {@code index}'s own credentials. */
    BeaconCredentials credentials(int index) {
        return credentials(index, address(index), hostKeys.get(index));
    }

    /** Credentials that claim {@code index} from {@code address}, signing with {@code key}: a forger's. */
    BeaconCredentials credentials(int index, String address, SshKeyPair key) {
        return new BeaconCredentials(JOB, 1, index, address, data -> NodeSignatures.sign(key.privateKey(), data));
    }

    SshKeyPair hostKey(int index) {
        return hostKeys.get(index);
    }
}
