package dev.mpibatch.testkit.batch;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/** A runtime without containers: a node "runs" until the test ends it or the job stops it (exit 143, SIGTERM). */
final class FakeRuntime implements NodeRuntime {
    final List<NodeLaunch> launches = new CopyOnWriteArrayList<>();
    final Map<String, FakeNode> nodes = new ConcurrentHashMap<>();
    final Set<Integer> failToStart = ConcurrentHashMap.newKeySet();

    @Override
    public RunningNode start(NodeLaunch launch) {
        if (failToStart.contains(launch.index())) {
            throw new NodeStartException("CannotPullContainerError: image " + launch.container().path("image").asText() + " not found");
        }
        launches.add(launch);
        FakeNode node = new FakeNode("10.0.0." + (10 + launch.index()), launch);
        nodes.put(key(launch.parentId(), launch.index(), launch.attempt()), node);
        return node;
    }

    static String key(String jobId, int index, int attempt) {
        return jobId + "#" + index + "@" + attempt;
    }

    /** The node's container of that attempt, once launched. */
    Optional<FakeNode> node(String jobId, int index, int attempt) {
        return Optional.ofNullable(nodes.get(key(jobId, index, attempt)));
    }

    static final class FakeNode implements RunningNode {
        final String address;
        final NodeLaunch launch;
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        volatile boolean stopped;

        FakeNode(String address, NodeLaunch launch) {
            this.address = address;
            this.launch = launch;
        }

        void exit(int code) {
            exit.complete(code);
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public String taskArn() {
            return "arn:aws:ecs:us-east-1:123456789012:task/fake/" + launch.parentId().substring(0, 8) + launch.index();
        }

        @Override
        public Optional<String> logStreamName() {
            return Optional.of(launch.definitionName() + "/default/" + launch.index());
        }

        @Override
        public int awaitExit() throws InterruptedException {
            try {
                return exit.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void stop() {
            stopped = true;
            exit.complete(143);
        }
    }
}
