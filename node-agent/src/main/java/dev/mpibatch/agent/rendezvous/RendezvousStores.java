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
     * An S3 client with credentials and region from the SDK's default chains (us-east-1 when no region is configured,
     * as is common with a local S3 server), path-style addressing with an endpoint override, and the bounded retries of {@link RendezvousRetries}.
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
        String region = environment.getOrDefault("AWS_REGION", environment.get("AWS_DEFAULT_REGION"));
        var builder = S3Client.builder()
                .region(region == null || region.isBlank() ? region() : Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RendezvousRetries.strategy())
                        .apiCallTimeout(Duration.ofMinutes(2))
                        .build());
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
