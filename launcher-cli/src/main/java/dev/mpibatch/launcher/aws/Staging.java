package dev.mpibatch.launcher.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanCodec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Where a submission's plan and files go in S3: {@code s3://bucket/prefix/jobs/<name>-<time>-<random>/plan.json}
 * and {@code .../files/<path>}. A failed submit deletes what it staged.
 *
 * @param bucket the bucket
 * @param key    the submission's key prefix, ending in '/'
 */
public record Staging(String bucket, String key) {
    /** The slowest upload of a staged file that is not taken as hung: 1 MiB/s. */
    public static final long MIN_UPLOAD_BYTES_PER_SECOND = 1024 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public static Staging forJob(String bucket, String prefix, JobSpec spec, Clock clock) {
        String id = spec.name() + "-" + STAMP.format(clock.instant()) + "-"
                + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
                        (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
        return new Staging(bucket, (prefix.isEmpty() ? "" : prefix + "/") + "jobs/" + id + "/");
    }

    public String planUri() {
        return "s3://" + bucket + "/" + key + "plan.json";
    }

    public String filesUri() {
        return "s3://" + bucket + "/" + key + "files/";
    }

    /** Uploads the plan and the job's files (relative to {@code jobDir}); on failure removes what it uploaded. */
    public void upload(S3Client s3, JobSpec spec, Path jobDir) {
        List<String> uploaded = new ArrayList<>();
        try {
            put(s3, key + "plan.json", RequestBody.fromString(PlanCodec.toJson(spec), StandardCharsets.UTF_8),
                    Optional.empty(), uploaded);
            for (String file : spec.files()) {
                Path path = jobDir.resolve(file);
                put(s3, key + "files/" + file, RequestBody.fromFile(path), Optional.of(uploadAttempt(path)), uploaded);
            }
        } catch (RuntimeException e) {
            delete(s3, uploaded);
            throw e;
        }
    }

    /**
     * Removes what a completed {@link #upload} of {@code spec} staged, by key: no listing, so a failed submit
     * cleans up with one call. (A failed upload has removed its own objects already.)
     */
    public void deleteUploaded(S3Client s3, JobSpec spec) {
        List<String> keys = new ArrayList<>(List.of(key + "plan.json"));
        spec.files().forEach(f -> keys.add(key + "files/" + f));
        delete(s3, keys);
    }

    /**
     * How long one attempt to upload {@code file} may take: {@link AwsClients#ATTEMPT_TIMEOUT}, or the time to send
     * it at {@link #MIN_UPLOAD_BYTES_PER_SECOND} if that is longer. An upload slower than that is taken as hung.
     */
    static Duration uploadAttempt(Path file) {
        try {
            Duration atMinimumRate = Duration.ofSeconds(Files.size(file) / MIN_UPLOAD_BYTES_PER_SECOND + 1);
            return atMinimumRate.compareTo(AwsClients.ATTEMPT_TIMEOUT) > 0 ? atMinimumRate : AwsClients.ATTEMPT_TIMEOUT;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes everything staged for this submission. */
    public void deleteAll(S3Client s3) {
        List<String> keys = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(key)).contents().stream()
                .map(o -> o.key()).toList();
        delete(s3, keys);
    }

    /** The staged keys a submission of {@code spec} writes, for --dry-run. */
    public List<String> keys(JobSpec spec) {
        List<String> keys = new ArrayList<>(List.of("s3://" + bucket + "/" + key + "plan.json"));
        spec.files().forEach(f -> keys.add("s3://" + bucket + "/" + key + "files/" + f));
        return keys;
    }

    /**
     * Uploads one object; {@code attempt}, when given, replaces the client's attempt timeout, and the call may then
     * take two such attempts (as the client's own limits allow two hung attempts per call).
     */
    private void put(S3Client s3, String objectKey, RequestBody body, Optional<Duration> attempt, List<String> uploaded) {
        s3.putObject(b -> {
            b.bucket(bucket).key(objectKey).serverSideEncryption(ServerSideEncryption.AES256);
            attempt.ifPresent(t -> b.overrideConfiguration(o -> o.apiCallAttemptTimeout(t)
                    .apiCallTimeout(t.multipliedBy(2))));
        }, body);
        uploaded.add(objectKey);
    }

    private void delete(S3Client s3, List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.quiet(true)
                    .objects(keys.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList())));
        } catch (SdkException e) {
            // best effort: the bucket's lifecycle rule expires what is left
        }
    }
}
