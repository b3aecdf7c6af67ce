package dev.mpibatch.agent.rendezvous;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs one request per node with bounded concurrency: a thousand sequential 20 ms S3 requests take 20 s, 64 at a
 * time take a third of a second, and 64 in flight stay well under S3's 5,500 GETs per second per prefix.
 */
final class Parallel {
    static final int MAX_IN_FLIGHT = 64;
    /**
     * One pool for every call: the main node calls this at each look at {@code nodes/}, and a pool per call would make
     * and drop up to 64 threads each time. Idle threads end after a few seconds, so an idle agent keeps none.
     */
    private static final ThreadPoolExecutor POOL = pool();

    private Parallel() {
    }

    private static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(MAX_IN_FLIGHT, MAX_IN_FLIGHT, 5, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, "rendezvous-request");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** {@code task} applied to every index, results in the same order; the first failure is rethrown. */
    static <T> List<T> forEach(List<Integer> indices, IntFunction<T> task) {
        if (indices.size() <= 1) {
            return indices.stream().map(task::apply).toList();
        }
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (int index : indices) {
                futures.add(POOL.submit(() -> task.apply(index)));
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
            // After a failure, or an interrupt, the rest is not wanted: a no-op for futures already done.
            futures.forEach(future -> future.cancel(true));
        }
    }
}
