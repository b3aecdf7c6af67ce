/**
 * The job file and plan: the contract between the launcher and the node agent, defined once.
 *
 * <pre>{@code
 * JobSpec spec = PlanParser.parse(Path.of("job.yaml"));   // validated: bad input names field and line
 * String plan = PlanCodec.toJson(spec.withNodes(8));       // what the agent reads back with PlanParser
 * }</pre>
 */
package dev.mpibatch.plan;
