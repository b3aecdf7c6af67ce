package dev.mpibatch.testkit.batch;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the emulator reads from the Batch resources moto keeps (job definitions, job queues, compute environments),
 * as the wire JSON of DescribeJobDefinitions, DescribeJobQueues and DescribeComputeEnvironments.
 */
interface Catalog {
    /** A job definition by name (its newest ACTIVE revision), {@code name:revision} or ARN. */
    Optional<JsonNode> definition(String reference);

    /** A job queue by name or ARN. */
    Optional<JsonNode> queue(String reference);

    /** A compute environment by name or ARN. */
    Optional<JsonNode> computeEnvironment(String reference);
}
