package dev.mpibatch.launcher.aws;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
            put(s3, key + "plan.json", RequestBody.fromString(PlanCodec.toJson(spec), StandardCharsets.UTF_8), uploaded);
            for (String file : spec.files()) {
                put(s3, key + "files/" + file, RequestBody.fromFile(jobDir.resolve(file)), uploaded);
            }
        } catch (RuntimeException e) {
            delete(s3, uploaded);
            throw e;
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

    private void put(S3Client s3, String objectKey, RequestBody body, List<String> uploaded) {
        s3.putObject(b -> b.bucket(bucket).key(objectKey).serverSideEncryption(ServerSideEncryption.AES256), body);
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
