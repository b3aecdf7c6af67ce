package dev.mpibatch.launcher.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.mpibatch.launcher.InstanceSizes;
import dev.mpibatch.launcher.LauncherSettings;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentOrder;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;

/**
 * What would keep a multi-node job from ever starting, found before it is submitted (and when a followed job stays
 * RUNNABLE): users of Batch most often meet jobs that sit in RUNNABLE for ever. Each problem names the value and the
 * fix. Not checked (it needs the EC2 API): instance limits of the account, and whether the subnets reach S3.
 */
public final class StartChecks {
    private StartChecks() {
    }

    /** Problems visible without calling AWS. */
    public static List<String> offline(LauncherSettings settings) {
        List<String> problems = new ArrayList<>();
        if (settings.jobRoleArn().isEmpty() && !settings.useInstanceRole()) {
            problems.add("no job role: the nodes would have only the instance role, which (in infra/mpi-batch.yaml) "
                    + "cannot read the bucket, so every node would fail at its first S3 download. Pass --job-role-arn "
                    + "(the stack's JobRoleArn output; 'mpi-batch configure --stack NAME' writes it to the config), "
                    + "or --use-instance-role if your instance role reaches s3://" + settings.bucket() + "/"
                    + settings.prefix());
        }
        settings.instanceType().ifPresent(type -> InstanceSizes.of(type).ifPresent(size -> {
            // Batch places a node only on an instance that has what it asks for: more, and it stays RUNNABLE.
            if (settings.vcpus() > size.vcpus()) {
                problems.add(settings.vcpus() + " vCPUs per node are more than a " + type + " has (" + size.vcpus()
                        + "), so no instance could take a node: ask for at most " + size.vcpus() + " (--vcpus)");
            }
            if (settings.memoryMiB() > size.memoryMiB()) {
                problems.add(settings.memoryMiB() + " MiB per node are more than a " + type + " has ("
                        + size.memoryMiB() + " MiB), so no instance could take a node: ask for at most "
                        + size.usableMemoryMiB() + " (--memory; the OS and the ECS agent keep the rest)");
            }
        }));
        return problems;
    }

    /** Every problem: the offline ones, then the queue's and its compute environments' against {@code nodes}. */
    public static List<String> all(BatchClient batch, LauncherSettings settings, int nodes) {
        List<String> problems = new ArrayList<>(offline(settings));
        List<JobQueueDetail> queues = batch.describeJobQueues(b -> b.jobQueues(settings.queue())).jobQueues();
        if (queues.isEmpty()) {
            problems.add("job queue '" + settings.queue() + "' not found: 'aws batch describe-job-queues' lists the "
                    + "queues of this region (check --region, or deploy infra/ and run 'mpi-batch configure')");
            return problems;
        }
        JobQueueDetail queue = queues.get(0);
        String name = queue.jobQueueName();
        // A state Batch did not report (some emulators leave it out) is no finding.
        if (queue.stateAsString() != null && !"ENABLED".equals(queue.stateAsString())) {
            problems.add("job queue " + name + " is " + queue.stateAsString() + ": jobs in it are never scheduled; "
                    + "enable it ('aws batch update-job-queue --job-queue " + name + " --state ENABLED')");
        }
        if ("INVALID".equals(queue.statusAsString())) {
            problems.add("job queue " + name + " is INVALID (" + queue.statusReason() + "): fix or recreate it");
        }
        if (settings.shareIdentifier().isPresent() && queue.schedulingPolicyArn() == null) {
            problems.add("job queue " + name + " has no fair-share scheduling policy, so Batch refuses a share "
                    + "identifier: leave out --share-identifier " + settings.shareIdentifier().get());
        } else if (settings.shareIdentifier().isEmpty() && queue.schedulingPolicyArn() != null) {
            problems.add("job queue " + name + " uses fair-share scheduling (" + queue.schedulingPolicyArn()
                    + "), so Batch needs a share identifier: pass --share-identifier");
        }
        problems.addAll(computeEnvironments(batch, settings, nodes, queue));
        return problems;
    }

    private static List<String> computeEnvironments(BatchClient batch, LauncherSettings settings, int nodes,
                                                    JobQueueDetail queue) {
        List<String> names = queue.computeEnvironmentOrder().stream().map(ComputeEnvironmentOrder::computeEnvironment)
                .toList();
        if (names.isEmpty()) {
            return List.of("job queue " + queue.jobQueueName() + " has no compute environment: add one");
        }
        List<ComputeEnvironmentDetail> environments = batch.describeComputeEnvironments(b -> b.computeEnvironments(names))
                .computeEnvironments();
        List<String> problems = new ArrayList<>();
        List<ComputeEnvironmentDetail> usable = new ArrayList<>();
        for (ComputeEnvironmentDetail ce : environments) {
            String ceName = ce.computeEnvironmentName();
            if (ce.stateAsString() != null && !"ENABLED".equals(ce.stateAsString())) {
                problems.add("compute environment " + ceName + " is " + ce.stateAsString() + ": enable it ('aws batch "
                        + "update-compute-environment --compute-environment " + ceName + " --state ENABLED')");
            } else if ("INVALID".equals(ce.statusAsString())) {
                problems.add("compute environment " + ceName + " is INVALID (" + ce.statusReason() + "): fix it");
            } else if (ce.computeResources() != null && ce.computeResources().typeAsString().startsWith("FARGATE")) {
                problems.add("compute environment " + ceName + " is " + ce.computeResources().typeAsString()
                        + ": multi-node parallel jobs do not run on Fargate; use an EC2 compute environment");
            } else {
                usable.add(ce);
            }
        }
        if (usable.isEmpty()) {
            if (problems.isEmpty()) {
                problems.add("none of the compute environments of job queue " + queue.jobQueueName() + " was found");
            }
            return problems;
        }
        // The job runs in one environment: it can start if any usable one has room and allows the instance type.
        List<String> capacity = new ArrayList<>();
        List<String> types = new ArrayList<>();
        int needed = nodes * settings.vcpus();
        for (ComputeEnvironmentDetail ce : usable) {
            var resources = ce.computeResources();
            if (resources == null) {
                return List.of(); // unmanaged: its instances are the owner's, nothing to compare
            }
            boolean roomy = resources.maxvCpus() == null || resources.maxvCpus() >= needed;
            boolean allows = settings.instanceType().map(t -> allows(resources.instanceTypes(), t)).orElse(true);
            if (roomy && allows) {
                return List.of();
            }
            if (!roomy) {
                capacity.add("compute environment " + ce.computeEnvironmentName() + " runs at most "
                        + resources.maxvCpus() + " vCPUs, and " + nodes + " nodes x " + settings.vcpus() + " vCPUs need "
                        + needed + ": raise its maxvCpus (infra: MaxVcpus), or ask for fewer nodes or vCPUs");
            }
            if (!allows) {
                types.add("compute environment " + ce.computeEnvironmentName() + " allows instance types "
                        + resources.instanceTypes() + ", not " + settings.instanceType().get() + ": submit with one of "
                        + "them (--instance-type), or add it to the environment (infra: InstanceType)");
            }
        }
        problems.addAll(capacity);
        problems.addAll(types);
        return problems;
    }

    /** Batch's instance types list holds types, families ({@code c6i}), or {@code optimal}/default families. */
    private static boolean allows(List<String> allowed, String type) {
        return allowed.isEmpty() || allowed.contains(type) || allowed.contains(InstanceSizes.family(type))
                || allowed.stream().anyMatch(a -> a.equals("optimal") || a.startsWith("default_"));
    }

    /** The same problems as one message, for refusing a submit. */
    public static Optional<String> summary(List<String> problems) {
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the job would never start" + (problems.size() == 1 ? ": " + problems.get(0)
                : ":\n  - " + String.join("\n  - ", problems)));
    }
}
