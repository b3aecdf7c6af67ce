package dev.mpibatch.agent.rendezvous;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * A rendezvous under an S3 prefix. Objects are written with server-side encryption; retries of throttling (503
 * SlowDown), server errors and dropped connections are the SDK client's, with the budget of
 * {@link RendezvousRetries}.
 */
public final class S3RendezvousStore implements RendezvousStore {
    private static final int DELETE_BATCH = 1000;

    /** A call made just at the deadline still gets this long: the wait loops report their own timeouts then. */
    private static final Duration LAST_CALL = Duration.ofSeconds(1);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final boolean ownsClient;
    private final Deadline deadline;

    /** The end that bounds every request of a view made by {@link #until}. */
    private record Deadline(Instant at, Clock clock) {
        Duration left() {
            Duration left = Duration.between(clock.instant(), at);
            return left.compareTo(LAST_CALL) < 0 ? LAST_CALL : left;
        }
    }

    /**
     * @param s3         the client
     * @param bucket     the bucket
     * @param prefix     the scope's key prefix, ending in '/'
     * @param ownsClient whether {@link #close()} closes the client
     */
    public S3RendezvousStore(S3Client s3, String bucket, String prefix, boolean ownsClient) {
        this(s3, bucket, prefix.endsWith("/") || prefix.isEmpty() ? prefix : prefix + "/", ownsClient, null);
    }

    private S3RendezvousStore(S3Client s3, String bucket, String prefix, boolean ownsClient, Deadline deadline) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        this.ownsClient = ownsClient;
        this.deadline = deadline;
    }

    /**
     * A view whose every request (with its retries) ends by {@code end}, or one second after it for a request made
     * at the last moment: an S3 that does not answer costs formation no more than its timeout. The view shares the
     * client and never closes it.
     */
    @Override
    public RendezvousStore until(Instant end, Clock clock) {
        // A view of a view ends at the earlier of the two deadlines.
        Instant at = deadline != null && deadline.at().isBefore(end) ? deadline.at() : end;
        return new S3RendezvousStore(s3, bucket, prefix, false, new Deadline(at, clock));
    }

    /** Bounds a request by the view's deadline, if it has one (the client's own timeouts apply as well). */
    private void bounded(AwsRequestOverrideConfiguration.Builder request) {
        if (deadline != null) {
            Duration left = deadline.left();
            request.apiCallTimeout(left.compareTo(RendezvousStores.CALL_TIMEOUT) < 0 ? left : RendezvousStores.CALL_TIMEOUT);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + key).contentType("application/json")
                    .serverSideEncryption(ServerSideEncryption.AES256).overrideConfiguration(this::bounded),
                    RequestBody.fromBytes(value));
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    @Override
    public boolean create(String key, byte[] value) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(prefix + key).contentType("application/json").ifNoneMatch("*")
                    .serverSideEncryption(ServerSideEncryption.AES256).overrideConfiguration(this::bounded),
                    RequestBody.fromBytes(value));
            return true;
        } catch (S3Exception e) {
            // 412: the object exists; 409: another conditional write to the same key is in flight.
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            throw failure("write", key, e);
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + key)
                    .overrideConfiguration(this::bounded)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("read", key, e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        List<String> keys = new ArrayList<>();
        try {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix)
                    .overrideConfiguration(this::bounded);
            ListObjectsV2Response page;
            do {
                page = s3.listObjectsV2(request.build());
                for (S3Object object : page.contents()) {
                    keys.add(object.key().substring(prefix.length()));
                }
                request.continuationToken(page.nextContinuationToken());
            } while (Boolean.TRUE.equals(page.isTruncated()));
        } catch (SdkException e) {
            throw failure("list", keyPrefix, e);
        }
        return keys;
    }

    @Override
    public void deleteAll() {
        List<String> keys = list("");
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(prefix + k).build()).toList();
            try {
                s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build())
                        .overrideConfiguration(this::bounded));
            } catch (SdkException e) {
                throw failure("delete", "", e);
            }
        }
    }

    /** The endpoint requests go to, without any user info: for messages. */
    private String endpoint() {
        return s3.serviceClientConfiguration().endpointOverride().map(NoAnswer::withoutUserInfo)
                .orElseGet(() -> "s3." + s3.serviceClientConfiguration().region() + ".amazonaws.com");
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    private RendezvousException failure(String action, String key, SdkException e) {
        if (NoAnswer.is(e)) {
            String within = deadline != null
                    ? "before its deadline"
                    : "within " + NoAnswer.seconds(RendezvousStores.CALL_TIMEOUT) + " (each attempt at most "
                            + NoAnswer.seconds(RendezvousStores.ATTEMPT_TIMEOUT) + ")";
            return new RendezvousException("cannot " + action + " " + describe() + key + ": no answer from S3 at "
                    + endpoint() + " " + within + " (" + e.getMessage() + "): check the endpoint, the network "
                    + "between this node and S3, and S3's health", e);
        }
        String advice = RendezvousRetries.isTransient(e)
                ? " (S3 kept throttling, failing or dropping the connection through the rendezvous's retry budget of "
                        + RendezvousRetries.MAX_ATTEMPTS + " attempts with backoff: check the endpoint and S3's health, "
                        + "then retry the job)"
                : " (check the bucket, the endpoint and the node's S3 permissions)";
        String code = e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null ? service.awsErrorDetails().errorCode() + ": " : "";
        return new RendezvousException("cannot " + action + " " + describe() + key + ": " + code + e.getMessage()
                + advice, e);
    }
}
