package dev.mpibatch.agent.mpi;

import java.util.Map;

import dev.mpibatch.plan.Step;

/**
 * Steps asked for by the programs of a running {@code sh} step ({@code mpi-batch-node}, the Python module), run by
 * the plan's own {@link StepRunner}: the main node's control socket ({@code dev.mpibatch.agent.control}).
 */
public interface StepRequests {

    /** Runs one requested step to its end and returns its exit code; {@code label} numbers it, e.g. {@code 2.1}. */
    @FunctionalInterface
    interface Runner {
        int run(Step step, String label, Cancellation cancellation);
    }

    /**
     * Starts taking requests from the programs of plan step {@code number}, run by {@code runner}.
     *
     * @return what to add to that step's environment so that its programs find the requests' way in
     */
    Map<String, String> open(int number, Runner runner);

    /** Stops taking requests: a requested step still running is stopped and waited for. */
    void end();
}
