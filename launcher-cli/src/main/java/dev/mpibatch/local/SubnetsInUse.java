package dev.mpibatch.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.agent.net.Ipv4;

/**
 * The IPv4 subnets this machine already uses: its interfaces' addresses, its routes, and the subnets claimed by
 * live local runs (recorded before their bridge exists). A namespace cluster on a subnet in use breaks the other
 * user and itself: two bridges with one address, or routes that send the hosts' traffic elsewhere.
 */
final class SubnetsInUse {
    /** Where an automatic choice starts; the old fixed default, so a lone run keeps the addresses users know. */
    static final String FIRST_AUTOMATIC = "10.213.0.0/24";
    private static final int LAST_AUTOMATIC = Ipv4.toInt("10.255.255.255");
    private static final Pattern BRIDGE = Pattern.compile("mpib([0-9a-f]{6})");
    private static final Set<String> ROUTE_TYPES = Set.of("unicast", "local", "broadcast", "multicast", "throw",
            "unreachable", "prohibit", "blackhole", "nat", "anycast");

    /** One use: a subnet and what uses it, in words. */
    record Use(Subnet subnet, String what) {
    }

    private final List<Use> uses;

    SubnetsInUse(List<Use> uses) {
        this.uses = List.copyOf(uses);
    }

    /** What this machine's network namespace uses now, and what {@code liveRuns} claimed. */
    static SubnetsInUse now(List<RunOwner> liveRuns) {
        return from(Commands.run(List.of("ip", "-o", "-4", "addr", "show")),
                Commands.run(List.of("ip", "-4", "route", "show")), liveRuns);
    }

    /** The same from the output of {@code ip -o -4 addr show} and {@code ip -4 route show}. */
    static SubnetsInUse from(String addresses, String routes, List<RunOwner> liveRuns) {
        List<Use> uses = new ArrayList<>();
        Map<String, RunOwner> runs = new java.util.HashMap<>();
        for (RunOwner run : liveRuns) {
            runs.put(run.id(), run);
            run.subnet().ifPresent(cidr -> parse(cidr).ifPresent(s -> uses.add(new Use(s, describe(run)))));
        }
        for (String line : addresses.lines().toList()) {
            // "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..."
            String[] fields = line.trim().split("\\s+");
            int inet = List.of(fields).indexOf("inet");
            if (inet < 1 || inet + 1 >= fields.length) {
                continue;
            }
            String name = fields[inet - 1].replaceFirst("@.*", "");
            Matcher bridge = BRIDGE.matcher(name);
            RunOwner run = bridge.matches() ? runs.get(bridge.group(1)) : null;
            String what = run != null ? describe(run) : bridge.matches()
                    ? "the bridge " + name + " of mpi-batch run local-" + bridge.group(1) + " (its owner is unknown; "
                        + "'mpi-batch local --cleanup' lists it)"
                    : "interface " + name + " (" + fields[inet + 1] + ")";
            parse(fields[inet + 1]).ifPresent(s -> uses.add(new Use(s, what)));
        }
        for (String line : routes.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            String[] fields = line.split("\\s+");
            String destination = ROUTE_TYPES.contains(fields[0]) && fields.length > 1 ? fields[1] : fields[0];
            if (!destination.equals("default")) {
                parse(destination.contains("/") ? destination : destination + "/32")
                        .ifPresent(s -> uses.add(new Use(s, "the route '" + line + "'")));
            }
        }
        return new SubnetsInUse(uses);
    }

    /** The first use {@code subnet} overlaps, if any. */
    Optional<Use> conflict(Subnet subnet) {
        return uses.stream().filter(use -> overlap(use.subnet(), subnet)).findFirst();
    }

    /**
     * {@code cidr} when nothing uses it.
     *
     * @throws IllegalArgumentException naming what uses it and what to do instead
     */
    Subnet requireFree(String cidr, int hosts) {
        Subnet subnet = Subnet.parse(cidr);
        conflict(subnet).ifPresent(use -> {
            String free = firstFree(hosts).map(s -> " (e.g. --subnet " + s.cidr() + ")").orElse("");
            throw new dev.mpibatch.launcher.InvalidInputException("--subnet " + subnet.cidr() + " is in use on this machine by "
                    + use.what() + ": a second cluster there would break both. Choose another subnet" + free
                    + ", or leave out --subnet to have a free one picked");
        });
        return subnet;
    }

    /**
     * The first free subnet for {@code hosts} hosts from {@link #FIRST_AUTOMATIC} up: a /24 unless more hosts need a
     * larger one.
     *
     * @throws IllegalArgumentException when none is free up to 10.255.255.255
     */
    Subnet pickFree(int hosts) {
        return firstFree(hosts).orElseThrow(() -> new dev.mpibatch.launcher.InvalidInputException("no free subnet for " + hosts
                + " hosts between " + FIRST_AUTOMATIC + " and 10.255.255.255 on this machine: name one with --subnet"));
    }

    private Optional<Subnet> firstFree(int hosts) {
        int prefix = 24;
        while (prefix > 8 && (1 << (32 - prefix)) - 3 < hosts) {
            prefix--;
        }
        long size = 1L << (32 - prefix);
        for (long network = Subnet.parse(FIRST_AUTOMATIC).network(); network + size - 1 <= LAST_AUTOMATIC;
             network += size) {
            Subnet candidate = new Subnet((int) network, prefix);
            if (conflict(candidate).isEmpty()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static boolean overlap(Subnet a, Subnet b) {
        int prefix = Math.min(a.prefix(), b.prefix());
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        return (a.network() & mask) == (b.network() & mask);
    }

    private static String describe(RunOwner run) {
        return "mpi-batch run local-" + run.id() + " (bridge mpib" + run.id() + ", run by pid " + run.pid()
                + ", still running: wait for it or stop it)";
    }

    /** The subnet of an address with its prefix ({@code 192.0.2.2/24} is 192.0.2.0/24); empty if unreadable. */
    private static Optional<Subnet> parse(String cidr) {
        try {
            String[] parts = cidr.split("/");
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
            if (prefix < 0 || prefix > 32) {
                return Optional.empty();
            }
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            return Optional.of(new Subnet(Ipv4.toInt(parts[0]) & mask, prefix));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
