package dev.mpibatch.local;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One "machine" of a local cluster.
 *
 * @param index      its node index
 * @param hostname   its hostname (UTS namespace), or this machine's in loopback mode
 * @param address    the address its sshd listens on
 * @param sshPort    its sshd port
 * @param namespace  its network namespace; empty in loopback mode
 * @param privateDir its private directory (state and work), mounted at the common path in namespace mode
 */
record Host(int index, String hostname, String address, int sshPort, Optional<String> namespace, Path privateDir) {
}
