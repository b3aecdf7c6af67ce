package dev.mpibatch.launcher.aws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.mpibatch.launcher.LauncherSettings;
import dev.mpibatch.plan.JobSpec;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerProperties;
import software.amazon.awssdk.services.batch.model.Device;
import software.amazon.awssdk.services.batch.model.DeviceCgroupPermission;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobDefinitionType;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.LinuxParameters;
import software.amazon.awssdk.services.batch.model.LogDriver;
import software.amazon.awssdk.services.batch.model.NodeProperties;
import software.amazon.awssdk.services.batch.model.NodeRangeProperty;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionRequest;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.Ulimit;

/**
 * The multinode job definition of a job, and the reuse of an identical registered revision: the request's content
 * hash is kept in a tag, so a second submit of the same job (of any size) registers nothing new.
 */
public final class JobDefinitions {
    /** Tag holding the content hash of the definition. */
    public static final String HASH_TAG = "mpi-batch:definition-sha256";
    /** Job definitions are limited to 24 KiB. */
    public static final int MAX_BYTES = 24 * 1024;

    private JobDefinitions() {
    }

    public static String name(JobSpec spec) {
        return "mpi-batch-" + spec.name();
    }

    /** The RegisterJobDefinition request for {@code spec} with {@code settings}. */
    public static RegisterJobDefinitionRequest request(JobSpec spec, LauncherSettings settings) {
        if (settings.vcpus() == 0 || settings.memoryMiB() == 0) {
            throw new dev.mpibatch.launcher.InvalidInputException(unsizedMessage(settings));
        }
        List<ResourceRequirement> resources = new ArrayList<>(List.of(
                ResourceRequirement.builder().type(ResourceType.VCPU).value(Integer.toString(settings.vcpus())).build(),
                ResourceRequirement.builder().type(ResourceType.MEMORY).value(Integer.toString(settings.memoryMiB())).build()));
        if (settings.gpus() > 0) {
            resources.add(ResourceRequirement.builder().type(ResourceType.GPU).value(Integer.toString(settings.gpus())).build());
        }
        ContainerProperties.Builder container = ContainerProperties.builder()
                .image(settings.image())
                .resourceRequirements(resources)
                .environment(KeyValuePair.builder().name("MPI_BATCH_SSH_PORT").value("2222").build());
        settings.jobRoleArn().ifPresent(container::jobRoleArn);
        if (!settings.logGroup().equals(LauncherSettings.DEFAULT_LOG_GROUP)) {
            container.logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS)
                    .options(Map.of("awslogs-group", settings.logGroup(), "awslogs-stream-prefix", "mpi-batch")));
        }
        settings.instanceType().ifPresent(container::instanceType);
        // Docker gives /dev/shm 64 MiB unless told otherwise; Open MPI's vader and MPICH's shared-memory channel keep
        // their segments there, and many ranks per node with large messages then die with a bus error.
        LinuxParameters.Builder linux = LinuxParameters.builder().sharedMemorySize(settings.effectiveSharedMemoryMiB());
        if (settings.efa()) {
            linux.devices(Device.builder()
                    .hostPath("/dev/infiniband/uverbs0").containerPath("/dev/infiniband/uverbs0")
                    .permissions(DeviceCgroupPermission.READ, DeviceCgroupPermission.WRITE, DeviceCgroupPermission.MKNOD)
                    .build());
            container.ulimits(Ulimit.builder().name("memlock").softLimit(-1).hardLimit(-1).build());
        }
        container.linuxParameters(linux.build());
        NodeProperties nodes = NodeProperties.builder()
                .numNodes(spec.nodes())
                .mainNode(0)
                // One open-ended range: SubmitJob may then override the node count.
                .nodeRangeProperties(NodeRangeProperty.builder().targetNodes("0:").container(container.build()).build())
                .build();
        RegisterJobDefinitionRequest request = RegisterJobDefinitionRequest.builder()
                .jobDefinitionName(name(spec))
                .type(JobDefinitionType.MULTINODE)
                .nodeProperties(nodes)
                .tags(settings.tags())
                .build();
        Map<String, String> tags = new TreeMap<>(settings.tags());
        tags.put(HASH_TAG, hash(request));
        return request.toBuilder().tags(tags).build();
    }

    private static String unsizedMessage(LauncherSettings settings) {
        String why = settings.instanceType()
                .map(t -> "instance type " + t + " is not in mpi-batch's table of sizes, so ")
                .orElse("no instance type is given, so ");
        return "vCPUs and memory per node are not set: " + why + "they cannot be derived. Batch runs each node on an "
                + "instance of its own; ask for what one instance has: pass --vcpus and --memory (MiB), or an "
                + "--instance-type that mpi-batch knows (README: Node size)";
    }

    /** The ARN of an active revision registered from the same request, if there is one. */
    public static Optional<String> findIdentical(BatchClient batch, RegisterJobDefinitionRequest request) {
        String hash = request.tags().get(HASH_TAG);
        String nextToken = null;
        do {
            String token = nextToken;
            var page = batch.describeJobDefinitions(b -> b.jobDefinitionName(request.jobDefinitionName())
                    .status("ACTIVE").nextToken(token));
            for (JobDefinition definition : page.jobDefinitions()) {
                if (hash.equals(definition.tags().get(HASH_TAG))) {
                    return Optional.of(definition.jobDefinitionArn());
                }
            }
            nextToken = page.nextToken();
        } while (nextToken != null);
        return Optional.empty();
    }

    /**
     * The content hash, leaving out the node count: every submit overrides it (the node range is open-ended), so
     * one revision serves every size of the same job.
     */
    static String hash(RegisterJobDefinitionRequest request) {
        Map<String, String> withoutHash = new HashMap<>(request.tags());
        withoutHash.remove(HASH_TAG);
        RegisterJobDefinitionRequest canonical = request.toBuilder().tags(new TreeMap<>(withoutHash))
                .nodeProperties(request.nodeProperties().toBuilder().numNodes(0).build()).build();
        String text = SdkJson.write(SdkJson.toJson(canonical));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
