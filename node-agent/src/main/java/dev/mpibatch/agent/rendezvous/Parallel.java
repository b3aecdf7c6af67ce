package dev.mpibatch.agent.rendezvous;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs one request per node with bounded concurrency: a thousand sequential 20 ms S3 requests take 20 s, 64 at a
 * time take a third of a second, and 64 in flight stay well under S3's 5,500 GETs per second per prefix.
 */
final class Parallel {
    static final int MAX_IN_FLIGHT = 64;

    private Parallel() {
    }

    /** {@code task} applied to every index, results in the same order; the first failure is rethrown. */
    static <T> List<T> forEach(List<Integer> indices, IntFunction<T> task) {
        if (indices.size() <= 1) {
            return indices.stream().map(task::apply).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(indices.size(), MAX_IN_FLIGHT), r -> {
            Thread thread = new Thread(r, "rendezvous-request");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int index : indices) {
                futures.add(pool.submit(() -> task.apply(index)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new RendezvousException("rendezvous request failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RendezvousException("interrupted during parallel rendezvous requests", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
