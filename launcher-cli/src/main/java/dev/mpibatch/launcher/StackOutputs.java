package dev.mpibatch.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * Reads the infra/ stack's outputs as mpi-batch option values (queue, bucket, prefix, job-role-arn, instance-type,
 * log-group).
 */
public final class StackOutputs {
    private static final Map<String, String> OPTION_OF_OUTPUT = Map.of("Queue", "queue", "Bucket", "bucket",
            "Prefix", "prefix", "JobRoleArn", "job-role-arn", "InstanceType", "instance-type", "LogGroup", "log-group");

    private StackOutputs() {
    }

    /** The options the stack provides, by option name. */
    public static Map<String, String> options(CloudFormationClient cloudFormation, String stackName) {
        Stack stack;
        try {
            var stacks = cloudFormation.describeStacks(b -> b.stackName(stackName)).stacks();
            if (stacks.isEmpty()) {
                throw new LauncherException("stack " + stackName + " not found: deploy infra/mpi-batch.yaml first (README)");
            }
            stack = stacks.get(0);
        } catch (SdkException e) {
            throw new LauncherException("cannot read stack " + stackName + ": " + e.getMessage()
                    + " (deploy infra/mpi-batch.yaml first, and check --region)", e);
        }
        if (!stack.stackStatusAsString().endsWith("_COMPLETE") || stack.stackStatusAsString().contains("ROLLBACK")) {
            throw new LauncherException("stack " + stackName + " is " + stack.stackStatusAsString()
                    + ": wait until it is CREATE_COMPLETE or UPDATE_COMPLETE");
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (Output output : stack.outputs()) {
            String option = OPTION_OF_OUTPUT.get(output.outputKey());
            if (option != null) {
                options.put(option, output.outputValue());
            }
        }
        if (!options.containsKey("queue") || !options.containsKey("bucket")) {
            throw new LauncherException("stack " + stackName + " has no Queue and Bucket outputs: is it the mpi-batch "
                    + "stack from infra/mpi-batch.yaml?");
        }
        return options;
    }
}
