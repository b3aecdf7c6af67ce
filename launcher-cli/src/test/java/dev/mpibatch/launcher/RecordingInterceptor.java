package dev.mpibatch.launcher;

import java.util.ArrayList;
import java.util.List;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Sees every request any SDK client in the test JVM sends (registered as a global interceptor on the test class
 * path), including the CLI's own clients: what moto ignores is checked here, and input errors must send nothing.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {
    private static final List<SdkRequest> REQUESTS = new ArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        synchronized (REQUESTS) {
            REQUESTS.add(context.request());
        }
    }

    public static void clear() {
        synchronized (REQUESTS) {
            REQUESTS.clear();
        }
    }

    public static List<SdkRequest> requests() {
        synchronized (REQUESTS) {
            return List.copyOf(REQUESTS);
        }
    }

    public static <T> List<T> requests(Class<T> type) {
        return requests().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
