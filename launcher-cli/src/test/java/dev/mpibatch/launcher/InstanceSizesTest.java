package dev.mpibatch.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sizes behind the per-node defaults, against EC2's published sizes of the same types. */
class InstanceSizesTest {
    @Test
    void familyRule_matchesPublishedSizes() {
        assertThat(InstanceSizes.of("c6i.large")).contains(new InstanceSizes.Size(2, 4_096));
        assertThat(InstanceSizes.of("c6i.32xlarge")).contains(new InstanceSizes.Size(128, 262_144));
        assertThat(InstanceSizes.of("m6i.32xlarge")).contains(new InstanceSizes.Size(128, 524_288));
        assertThat(InstanceSizes.of("r7g.large")).contains(new InstanceSizes.Size(2, 16_384));
        assertThat(InstanceSizes.of("c6in.32xlarge")).contains(new InstanceSizes.Size(128, 262_144));
        assertThat(InstanceSizes.of("c7g.16xlarge")).contains(new InstanceSizes.Size(64, 131_072));
    }

    @Test
    void listedTypes_whoseMemoryBreaksTheRule() {
        assertThat(InstanceSizes.of("c5n.18xlarge")).contains(new InstanceSizes.Size(72, 196_608));
        assertThat(InstanceSizes.of("hpc7g.16xlarge")).contains(new InstanceSizes.Size(64, 131_072));
        assertThat(InstanceSizes.of("hpc6a.48xlarge")).contains(new InstanceSizes.Size(96, 393_216));
    }

    @Test
    void unknownTypes_haveNoSize() {
        assertThat(InstanceSizes.of("x2iedn.metal")).isEmpty();
        assertThat(InstanceSizes.of("c6i.metal")).isEmpty();
        assertThat(InstanceSizes.of("t3.micro")).isEmpty();
        assertThat(InstanceSizes.of("optimal")).isEmpty();
    }

    @Test
    void usableMemory_leavesTheOsAndTheEcsAgentAtLeast512MiB_inStepsOf256() {
        assertThat(new InstanceSizes.Size(2, 4_096).usableMemoryMiB()).isEqualTo(3_584);
        assertThat(new InstanceSizes.Size(8, 16_384).usableMemoryMiB()).isEqualTo(14_592);
        assertThat(new InstanceSizes.Size(72, 196_608).usableMemoryMiB()).isEqualTo(176_896);
        assertThat(InstanceSizes.family("c6in.32xlarge")).isEqualTo("c6in");
    }
}
