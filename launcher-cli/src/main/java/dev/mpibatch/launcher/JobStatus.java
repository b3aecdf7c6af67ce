package dev.mpibatch.launcher;

import java.util.List;

import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;

/**
 * A job and its nodes.
 *
 * @param job   the multi-node job
 * @param nodes its node jobs ({@code jobId#N}), as Batch lists them
 */
public record JobStatus(JobDetail job, List<JobSummary> nodes) {
    public JobStatus {
        nodes = List.copyOf(nodes);
    }
}
