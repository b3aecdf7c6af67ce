package dev.mpibatch.agent;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanException;
import dev.mpibatch.plan.PlanParser;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Fetches the plan the launcher staged: a local file, or an S3 object for jobs on AWS Batch. */
final class PlanLoader {
    private PlanLoader() {
    }

    static JobSpec load(String location, Supplier<S3Client> s3) {
        if (location.startsWith("s3://")) {
            URI uri = URI.create(location);
            String bucket = uri.getHost();
            String key = Optional.ofNullable(uri.getPath()).map(p -> p.replaceFirst("^/", "")).orElse("");
            if (bucket == null || key.isEmpty()) {
                throw new IllegalArgumentException(AgentEnv.PLAN + "='" + location + "' is not an S3 object: use s3://bucket/key");
            }
            byte[] bytes;
            try {
                bytes = s3.get().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            } catch (SdkException e) {
                throw new IllegalStateException("cannot read the plan " + location + ": " + e.getMessage(), e);
            }
            return PlanParser.parse(bytes, location);
        }
        Path path = Path.of(location);
        // A directory, FIFO or device is refused by the parser, from its attributes, saying what it is.
        if (!Files.exists(path)) {
            throw new PlanException("plan file " + path + " does not exist: check " + AgentEnv.PLAN);
        }
        return PlanParser.parse(path);
    }
}
