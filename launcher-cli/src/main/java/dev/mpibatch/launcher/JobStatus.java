package dev.mpibatch.launcher;

import java.util.List;

import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * A job and its nodes.
 *
 * @param job   the multi-node job
 * @param nodes its node jobs ({@code jobId#N}) in node order, whatever their state, as Batch describes them
 */
public record JobStatus(JobDetail job, List<JobDetail> nodes) {
    public JobStatus {
        nodes = List.copyOf(nodes);
    }
}
