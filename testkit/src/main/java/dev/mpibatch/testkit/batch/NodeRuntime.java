package dev.mpibatch.testkit.batch;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Runs the container of one node of one attempt: podman here ({@link PodmanRuntime}), a fake in unit tests. */
interface NodeRuntime {

    /**
     * Creates and starts the node's container and returns once it runs and has an address.
     *
     * @throws NodeStartException when the container cannot start (no such image, a missing log group...)
     */
    RunningNode start(NodeLaunch launch);

    /**
     * One node's container of one attempt.
     *
     * @param parentId       the multi-node job's id
     * @param definitionName the job definition's name (the default log stream prefix)
     * @param index          the node's index
     * @param attempt        the attempt, from 1
     * @param container      the node's merged container properties (image, command, linuxParameters...)
     * @param environment    exactly what the container's environment gets besides the image's own
     */
    record NodeLaunch(String parentId, String definitionName, int index, int attempt, ObjectNode container,
                      Map<String, String> environment) {
        public NodeLaunch {
            environment = Map.copyOf(environment);
        }
    }

    /** A started container. */
    interface RunningNode {
        /** Its private IPv4 address. */
        String address();

        /** Its ECS-style task ARN (the task id is the log stream's last part). */
        String taskArn();

        /** Its CloudWatch Logs stream, when its log driver is awslogs. */
        Optional<String> logStreamName();

        /** Waits for the container to end; its exit code. */
        int awaitExit() throws InterruptedException;

        /** Stops it as {@code docker stop} does (SIGTERM, then SIGKILL after the stop timeout); returns at once. */
        void stop();
    }

    /**
     * A container that could not start: the node's attempt fails with this reason, which starts with the error's
     * kind as Batch names it ({@code CannotPullContainerError: ...}, {@code CannotStartContainerError: ...}).
     */
    final class NodeStartException extends RuntimeException {
        public NodeStartException(String reason) {
            super(reason);
        }
    }
}
