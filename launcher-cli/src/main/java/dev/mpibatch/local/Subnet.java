package dev.mpibatch.local;

import dev.mpibatch.agent.net.Ipv4;

/**
 * The private subnet of a namespace cluster: the bridge takes the first host address, hosts take the next ones.
 *
 * @param network the network address
 * @param prefix  the prefix length
 */
record Subnet(int network, int prefix) {

    static Subnet parse(String cidr) {
        String[] parts = cidr.split("/");
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 8 || prefix > 30) {
                throw new dev.mpibatch.launcher.InvalidInputException("--subnet " + cidr + ": use a prefix length from 8 to 30");
            }
            int mask = -1 << (32 - prefix);
            Subnet subnet = new Subnet(Ipv4.toInt(parts[0]) & mask, prefix);
            subnet.requirePrivate(cidr);
            return subnet;
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--subnet")) {
                throw e;
            }
            throw new dev.mpibatch.launcher.InvalidInputException("--subnet '" + cidr + "' is not a subnet: use CIDR notation, e.g. 10.213.0.0/24");
        }
    }

    /** The ranges a bridge may use: RFC 1918's private networks, which no other machine's addresses are in. */
    private static final String[][] PRIVATE = {{"10.0.0.0", "8"}, {"172.16.0.0", "12"}, {"192.168.0.0", "16"}};
    /** Special ranges, named in the refusal: each breaks a bridge in its own obscure way. */
    private static final String[][] SPECIAL = {
            {"0.0.0.0", "8", "'this network' (0.0.0.0/8)"},
            {"127.0.0.0", "8", "loopback (127.0.0.0/8)"},
            {"169.254.0.0", "16", "link-local (169.254.0.0/16)"},
            {"224.0.0.0", "4", "multicast (224.0.0.0/4)"},
            {"240.0.0.0", "4", "reserved, with the broadcast address (240.0.0.0/4)"}};
    private static final String USE_PRIVATE = "use a private range, e.g. 10.213.0.0/24 (inside 10.0.0.0/8, "
            + "172.16.0.0/12 or 192.168.0.0/16)";

    /** Refuses a subnet outside the private ranges, naming the special range it overlaps if any. */
    private void requirePrivate(String given) {
        for (String[] range : PRIVATE) {
            if (within(range[0], Integer.parseInt(range[1]))) {
                return;
            }
        }
        for (String[] range : SPECIAL) {
            if (overlaps(range[0], Integer.parseInt(range[1]))) {
                throw new dev.mpibatch.launcher.InvalidInputException("--subnet " + given + " is " + range[2] + ", not a private "
                        + "network: " + USE_PRIVATE);
            }
        }
        throw new dev.mpibatch.launcher.InvalidInputException("--subnet " + given + " is not a private network (its addresses belong to "
                + "other machines, which this one could no longer reach): " + USE_PRIVATE);
    }

    /** Whether this subnet lies inside {@code base/bits}. */
    private boolean within(String base, int bits) {
        int mask = -1 << (32 - bits);
        return prefix >= bits && (network & mask) == Ipv4.toInt(base);
    }

    /** Whether this subnet and {@code base/bits} share an address. */
    private boolean overlaps(String base, int bits) {
        int shorter = Math.min(bits, prefix);
        int mask = -1 << (32 - shorter);
        return (network & mask) == (Ipv4.toInt(base) & mask);
    }

    /** How many hosts fit besides the bridge (network, bridge and broadcast addresses excluded). */
    int capacity() {
        return (1 << (32 - prefix)) - 3;
    }

    String bridgeAddress() {
        return Ipv4.toText(network + 1);
    }

    String hostAddress(int index) {
        if (index < 0 || index >= capacity()) {
            throw new dev.mpibatch.launcher.InvalidInputException("subnet " + cidr() + " has room for " + capacity() + " hosts, not "
                    + (index + 1) + ": choose a larger one with --subnet");
        }
        return Ipv4.toText(network + 2 + index);
    }

    String cidr() {
        return Ipv4.toText(network) + "/" + prefix;
    }
}
