package dev.mpibatch.cli;

import java.lang.reflect.Proxy;

import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Clients that fail loudly if anything calls them: a dry run sends nothing, a plain submit reads no logs. */
final class NoAws {
    private NoAws() {
    }

    static BatchClient batch() {
        return refuse(BatchClient.class);
    }

    static S3Client s3() {
        return refuse(S3Client.class);
    }

    static CloudWatchLogsClient logs() {
        return refuse(CloudWatchLogsClient.class);
    }

    private static <T> T refuse(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("close")) {
                return null;
            }
            throw new IllegalStateException("internal error: " + type.getSimpleName() + "." + method.getName()
                    + " was called where no AWS call of this kind is made");
        }));
    }
}
