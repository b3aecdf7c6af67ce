package dev.mpibatch.testkit.batch;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 169.254.170.2, the address of ECS's container credentials endpoint ("http://169.254.170.2" plus
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS SDKs' container credentials provider), put on a device of this machine
 * (an empty bridge: kernels in sandboxes often lack the dummy driver) so that containers reach it through their
 * gateway and this machine reaches it locally. The device's name carries the owner's pid: a device whose owner
 * died (a killed test) is removed by the next start; one whose owner lives is left alone and named in the error.
 */
final class LinkLocalAddress implements AutoCloseable {
    static final String ADDRESS = "169.254.170.2";
    private static final Logger LOG = LoggerFactory.getLogger(LinkLocalAddress.class);
    private static final String PREFIX = "mpibecs";

    private final String device;

    private LinkLocalAddress(String device) {
        this.device = device;
    }

    static LinkLocalAddress create() {
        String mine = PREFIX + Long.toString(ProcessHandle.current().pid(), 36);
        for (String line : Exec.run(List.of("ip", "-o", "link", "show")).split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length < 2 || !parts[1].startsWith(PREFIX)) {
                continue;
            }
            String name = parts[1].split("@")[0];
            long pid = Long.parseLong(name.substring(PREFIX.length()), 36);
            if (ProcessHandle.of(pid).isPresent() && !name.equals(mine)) {
                throw new IllegalStateException(ADDRESS + " is held by another Batch emulator (pid " + pid + ", device "
                        + name + "): close it first; only one can serve container credentials on a machine");
            }
            LOG.info("removing {} left by a Batch emulator that is gone (pid {})", name, pid);
            Exec.quietly(List.of("ip", "link", "del", name));
        }
        String holder = Exec.run(List.of("ip", "-o", "addr", "show", "to", ADDRESS + "/32")).strip();
        if (!holder.isEmpty()) {
            throw new IllegalStateException(ADDRESS + " is already an address of this machine (" + holder + "): remove it "
                    + "(ip addr del " + ADDRESS + "/32 dev DEVICE) so that the emulator can serve container credentials");
        }
        Exec.run(List.of("ip", "link", "add", mine, "type", "bridge"));
        LinkLocalAddress address = new LinkLocalAddress(mine);
        try {
            Exec.run(List.of("ip", "addr", "add", ADDRESS + "/32", "dev", mine));
            Exec.run(List.of("ip", "link", "set", mine, "up"));
        } catch (RuntimeException e) {
            address.close();
            throw e;
        }
        return address;
    }

    String device() {
        return device;
    }

    @Override
    public void close() {
        Exec.quietly(List.of("ip", "link", "del", device));
    }
}
