package dev.mpibatch.launcher.aws;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * The node jobs of a multi-node job, whatever their state. {@code ListJobs(multiNodeJobId)} without a status lists
 * only RUNNING node jobs (Batch's API reference, ListJobs: "If you don't specify a status, only RUNNING jobs are
 * returned"), so finished nodes, their exit codes and their log streams would be missed; instead every node's id
 * ({@code jobId#N}, N from 0 to numNodes - 1) is described, 100 ids per DescribeJobs request (its limit).
 */
public final class NodeJobs {
    /** DescribeJobs takes at most 100 job ids. */
    static final int DESCRIBE_BATCH = 100;

    private NodeJobs() {
    }

    /** The node jobs Batch knows for {@code job}, by node index; empty for a job that is not multi-node. */
    public static List<JobDetail> describe(BatchClient batch, JobDetail job) {
        int numNodes = numNodes(job);
        List<JobDetail> nodes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < numNodes; i++) {
            ids.add(job.jobId() + "#" + i);
            if (ids.size() == DESCRIBE_BATCH || i == numNodes - 1) {
                List<String> chunk = List.copyOf(ids);
                nodes.addAll(batch.describeJobs(b -> b.jobs(chunk)).jobs());
                ids.clear();
            }
        }
        nodes.sort(Comparator.comparingInt(n -> BatchJobHandle.nodeIndex(n.jobId())));
        return nodes;
    }

    /** The job's node count (0 for a job that is not multi-node). */
    public static int numNodes(JobDetail job) {
        return job.nodeProperties() == null || job.nodeProperties().numNodes() == null
                ? 0 : job.nodeProperties().numNodes();
    }
}
