package dev.mpibatch.agent.net;

/** IPv4 text and numbers. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static int toInt(String address) {
        String[] parts = address.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 address");
        }
        int value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 address", e);
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + address + "' is not an IPv4 address");
            }
            value = value << 8 | octet;
        }
        return value;
    }

    public static String toText(int value) {
        return (value >>> 24) + "." + (value >>> 16 & 255) + "." + (value >>> 8 & 255) + "." + (value & 255);
    }

    /** Whether {@code address} is inside {@code cidr} ({@code a.b.c.d/n}). */
    public static boolean inSubnet(String address, String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("'" + cidr + "' is not a subnet in CIDR notation, e.g. 10.213.0.0/24");
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0 to 32");
        }
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (toInt(address) & mask) == (toInt(parts[0]) & mask);
    }
}
