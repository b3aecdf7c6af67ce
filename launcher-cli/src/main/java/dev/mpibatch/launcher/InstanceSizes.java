package dev.mpibatch.launcher;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * vCPUs and memory of common EC2 instance types, for the per-node defaults: Batch runs each node of a multi-node job
 * in its own container on its own instance, so a node that asks for less than the instance has gets a hard cap on a
 * machine that is otherwise idle. Types not known here need explicit vCPUs and memory.
 */
public final class InstanceSizes {
    /** Size suffix to vCPUs, for the current c, m and r families (large = 2, xlarge = 4, Nxlarge = 4N). */
    private static final Pattern GENERAL = Pattern.compile("([cmr])([5-8])([a-z]*)\\.(large|xlarge|(\\d+)xlarge)");

    /** Types whose memory per vCPU differs from their family letter's, or that have no family rule. */
    private static final Map<String, Size> LISTED = Map.ofEntries(
            Map.entry("c5n.large", new Size(2, 5_376)), Map.entry("c5n.xlarge", new Size(4, 10_752)),
            Map.entry("c5n.2xlarge", new Size(8, 21_504)), Map.entry("c5n.4xlarge", new Size(16, 43_008)),
            Map.entry("c5n.9xlarge", new Size(36, 98_304)), Map.entry("c5n.18xlarge", new Size(72, 196_608)),
            Map.entry("hpc6a.48xlarge", new Size(96, 393_216)), Map.entry("hpc6id.32xlarge", new Size(64, 1_048_576)),
            Map.entry("hpc7g.4xlarge", new Size(16, 131_072)), Map.entry("hpc7g.8xlarge", new Size(32, 131_072)),
            Map.entry("hpc7g.16xlarge", new Size(64, 131_072)), Map.entry("hpc7a.12xlarge", new Size(24, 786_432)),
            Map.entry("hpc7a.24xlarge", new Size(48, 786_432)), Map.entry("hpc7a.48xlarge", new Size(96, 786_432)),
            Map.entry("hpc7a.96xlarge", new Size(192, 786_432)), Map.entry("p4d.24xlarge", new Size(96, 1_179_648)),
            Map.entry("p5.48xlarge", new Size(192, 2_097_152)));

    private InstanceSizes() {
    }

    /**
     * An instance type's size.
     *
     * @param vcpus     its vCPUs
     * @param memoryMiB its nominal memory
     */
    public record Size(int vcpus, int memoryMiB) {
        /**
         * The memory a container can ask for and still be placed: the ECS agent registers less than the nominal
         * memory (the OS and the agent keep some), and a job asking for more stays RUNNABLE for ever. 90% of the
         * nominal memory, at least 512 MiB less, rounded down to 256 MiB.
         */
        public int usableMemoryMiB() {
            int reserve = Math.max(512, memoryMiB / 10);
            return Math.max(256, (memoryMiB - reserve) / 256 * 256);
        }
    }

    /** The size of {@code instanceType}, if it is known here. */
    public static Optional<Size> of(String instanceType) {
        Size listed = LISTED.get(instanceType);
        if (listed != null) {
            return Optional.of(listed);
        }
        Matcher m = GENERAL.matcher(instanceType);
        if (!m.matches()) {
            return Optional.empty();
        }
        int vcpus = switch (m.group(4)) {
            case "large" -> 2;
            case "xlarge" -> 4;
            default -> 4 * Integer.parseInt(m.group(5));
        };
        int mibPerVcpu = switch (m.group(1)) {
            case "c" -> 2048;
            case "m" -> 4096;
            default -> 8192;
        };
        return Optional.of(new Size(vcpus, vcpus * mibPerVcpu));
    }

    /** The instance family ({@code c6i} of {@code c6i.32xlarge}). */
    public static String family(String instanceType) {
        int dot = instanceType.indexOf('.');
        return dot < 0 ? instanceType : instanceType.substring(0, dot);
    }
}
