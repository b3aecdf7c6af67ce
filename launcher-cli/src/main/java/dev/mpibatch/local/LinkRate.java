package dev.mpibatch.local;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cap on every namespace host's link, in both directions, as a real network has: a token bucket ({@code tc tbf})
 * on each end of the host's veth pair, so that what a host sends and what it receives are each limited to the rate.
 *
 * @param bitsPerSecond the rate
 */
public record LinkRate(long bitsPerSecond) {
    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})(kbit|mbit|gbit)");
    /** The bucket holds at least 4 ms of traffic and never less than a 64 KiB GSO segment of veth's. */
    private static final long MIN_BURST_BYTES = 64 * 1024;

    public LinkRate {
        if (bitsPerSecond < 1_000_000 || bitsPerSecond > 100_000_000_000L) {
            throw new dev.mpibatch.launcher.InvalidInputException("link rate " + bitsPerSecond + " bit/s: use 1mbit to 100gbit");
        }
    }

    /** Parses {@code 200mbit}, {@code 1gbit}, {@code 500000kbit}. */
    public static LinkRate parse(String text) {
        Matcher m = TEXT.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new dev.mpibatch.launcher.InvalidInputException("link rate '" + text + "': write a whole number with kbit, mbit or "
                    + "gbit (e.g. 200mbit)");
        }
        long unit = switch (m.group(2)) {
            case "kbit" -> 1_000L;
            case "mbit" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        return new LinkRate(Long.parseLong(m.group(1)) * unit);
    }

    /** The {@code tc} command that caps what leaves through {@code device} (run in {@code namespace} if given). */
    List<String> tcCommand(String namespace, String device) {
        long burst = Math.max(MIN_BURST_BYTES, bitsPerSecond / 8 / 250);
        List<String> qdisc = List.of("qdisc", "replace", "dev", device, "root", "tbf", "rate", bitsPerSecond + "bit",
                "burst", Long.toString(burst), "latency", "50ms");
        List<String> command = new java.util.ArrayList<>(List.of("tc"));
        if (namespace != null) {
            command.addAll(List.of("-n", namespace));
        }
        command.addAll(qdisc);
        return command;
    }

    /** The rate as {@code tc} and people write it, e.g. {@code 200mbit}. */
    @Override
    public String toString() {
        if (bitsPerSecond % 1_000_000_000L == 0) {
            return bitsPerSecond / 1_000_000_000L + "gbit";
        }
        return bitsPerSecond % 1_000_000L == 0 ? bitsPerSecond / 1_000_000L + "mbit" : bitsPerSecond / 1000 + "kbit";
    }
}
