package dev.mpibatch.agent.rendezvous;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens the rendezvous store a location names: {@code s3://bucket/prefix} or a local directory. */
public final class RendezvousStores {
    private static final Region FALLBACK_REGION = Region.US_EAST_1;

    private RendezvousStores() {
    }

    /** Opens the scope of one job attempt below {@code location}, with an S3 client from the SDK's default chains. */
    public static RendezvousStore open(String location, Optional<String> endpoint, String jobId, int attempt) {
        if (isS3(location)) {
            S3Location s3 = S3Location.parse(location);
            return new S3RendezvousStore(s3Client(endpoint), s3.bucket(),
                    s3.keyPrefix() + RendezvousKeys.scope(jobId, attempt), true);
        }
        return new LocalDirectoryStore(localPath(location).resolve(RendezvousKeys.scope(jobId, attempt)));
    }

    /** Opens the scope of one job attempt below {@code location} with a given client (tests, the launcher). */
    public static RendezvousStore open(String location, S3Client client, String jobId, int attempt) {
        return open(location, client, false, jobId, attempt);
    }

    /** The same; with {@code ownsClient} the store closes the client when it is closed. */
    public static RendezvousStore open(String location, S3Client client, boolean ownsClient, String jobId, int attempt) {
        if (isS3(location)) {
            S3Location s3 = S3Location.parse(location);
            return new S3RendezvousStore(client, s3.bucket(), s3.keyPrefix() + RendezvousKeys.scope(jobId, attempt),
                    ownsClient);
        }
        return new LocalDirectoryStore(localPath(location).resolve(RendezvousKeys.scope(jobId, attempt)));
    }

    public static boolean isS3(String location) {
        return location.startsWith("s3://");
    }

    /**
     * How long the agents' (and the local launcher's) rendezvous S3 client waits for a TCP connection. S3 accepts in
     * milliseconds; a host that does not accept at all (no route, a full backlog) is given up after this.
     */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** How long a rendezvous request may wait for the next bytes of an answer. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long one attempt of a rendezvous request may take in all: rendezvous objects are small (a record is under
     * 2 KiB, a LIST of 1,000 keys about 200 KiB), so an attempt that lasts longer is hung, and is retried.
     */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long a rendezvous request may take with all its retries and backoffs ({@link RendezvousRetries}: 10
     * attempts with at most 3 s between them fit when each fails fast). During formation each request is further
     * bounded by the formation deadline ({@link RendezvousStore#until}).
     */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a staged-file download may wait for the next bytes. Downloads have no overall limit (a file may be
     * large), so a stalled one is detected by this, and tried 3 times.
     */
    public static final Duration TRANSFER_READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * An S3 client with credentials and region from the SDK's default chains (us-east-1 when no region is configured,
     * as is common with a local S3 server), path-style addressing with an endpoint override, the bounded retries of
     * {@link RendezvousRetries}, and the timeouts {@link #CONNECT_TIMEOUT}, {@link #READ_TIMEOUT},
     * {@link #ATTEMPT_TIMEOUT} and {@link #CALL_TIMEOUT}: no request waits longer than {@link #CALL_TIMEOUT}.
     */
    public static S3Client s3Client(Optional<String> endpoint) {
        return s3Client(endpoint, java.util.Map.of());
    }

    /**
     * The same, with credentials and region from {@code environment} when it has them ({@code AWS_ACCESS_KEY_ID},
     * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}, {@code AWS_REGION}): a launcher passes on the
     * environment it was given rather than its process's.
     */
    public static S3Client s3Client(Optional<String> endpoint, java.util.Map<String, String> environment) {
        return s3Client(endpoint, environment, READ_TIMEOUT, ClientOverrideConfiguration.builder()
                .retryStrategy(RendezvousRetries.strategy())
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build());
    }

    /**
     * An S3 client for staged files, which may be large: no limit on a request's total time, but a download that
     * stalls for {@link #TRANSFER_READ_TIMEOUT} fails, after at most 3 attempts; connections as {@link #s3Client}.
     */
    public static S3Client s3TransferClient(Optional<String> endpoint, java.util.Map<String, String> environment) {
        return s3Client(endpoint, environment, TRANSFER_READ_TIMEOUT, ClientOverrideConfiguration.builder()
                .retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD).build());
    }

    private static S3Client s3Client(Optional<String> endpoint, java.util.Map<String, String> environment,
                                     Duration readTimeout, ClientOverrideConfiguration override) {
        String region = environment.getOrDefault("AWS_REGION", environment.get("AWS_DEFAULT_REGION"));
        var builder = S3Client.builder()
                .region(region == null || region.isBlank() ? region() : Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(readTimeout))
                .overrideConfiguration(override);
        endpoint.ifPresent(url -> builder.endpointOverride(URI.create(url)).forcePathStyle(true));
        String keyId = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        if (keyId != null && secret != null) {
            String token = environment.get("AWS_SESSION_TOKEN");
            builder.credentialsProvider(StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(keyId, secret)
                    : AwsSessionCredentials.create(keyId, secret, token)));
        }
        return builder.build();
    }

    private static Region region() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return FALLBACK_REGION;
        }
    }

    private static Path localPath(String location) {
        if (location.startsWith("file:")) {
            return Path.of(URI.create(location));
        }
        if (location.contains("://")) {
            throw new IllegalArgumentException("rendezvous location '" + location
                    + "' is neither s3://bucket/prefix nor a local directory");
        }
        return Path.of(location);
    }
}
