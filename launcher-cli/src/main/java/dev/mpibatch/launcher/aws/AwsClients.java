package dev.mpibatch.launcher.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

import dev.mpibatch.agent.rendezvous.NoAnswer;

/**
 * The AWS clients of the CLI: region and endpoint as given, credentials from a profile, from the environment it was
 * handed, or the SDK's default chain. Credentials are never printed.
 *
 * <p>Every client's waits are bounded: {@link #CONNECT_TIMEOUT} to connect, {@link #SOCKET_TIMEOUT} between bytes of
 * an answer, {@link #ATTEMPT_TIMEOUT} per attempt and {@link #CALL_TIMEOUT} per call with its retries. A call that
 * gets no answer fails naming the endpoint, the service and the operation (exit code 3 in the CLI).
 *
 * @param region      the region, if given
 * @param endpointUrl an endpoint for every service (an emulator), if given
 * @param profile     a named profile, if given
 * @param environment the environment (AWS_* variables)
 */
public record AwsClients(Optional<String> region, Optional<String> endpointUrl, Optional<String> profile,
                         Map<String, String> environment) {

    public BatchClient batch() {
        var builder = BatchClient.builder().region(resolvedRegion()).credentialsProvider(credentials())
                .overrideConfiguration(calls());
        withHttp(builder);
        endpointUrl.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    }

    public S3Client s3() {
        var builder = S3Client.builder().region(resolvedRegion()).credentialsProvider(credentials())
                .overrideConfiguration(calls());
        withHttp(builder);
        endpointUrl.ifPresent(url -> builder.endpointOverride(URI.create(url)).forcePathStyle(true));
        return builder.build();
    }

    public CloudWatchLogsClient logs() {
        var builder = CloudWatchLogsClient.builder().region(resolvedRegion()).credentialsProvider(credentials())
                .overrideConfiguration(calls());
        withHttp(builder);
        endpointUrl.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    }

    public CloudFormationClient cloudFormation() {
        var builder = CloudFormationClient.builder().region(resolvedRegion()).credentialsProvider(credentials())
                .overrideConfiguration(calls());
        withHttp(builder);
        endpointUrl.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        return builder.build();
    }

    public Region resolvedRegion() {
        Optional<String> named = region.or(() -> Optional.ofNullable(environment.get("AWS_REGION")))
                .or(() -> Optional.ofNullable(environment.get("AWS_DEFAULT_REGION")));
        if (named.isPresent()) {
            return Region.of(named.get());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new IllegalArgumentException("no AWS region: pass --region, set AWS_REGION, or configure one with "
                    + "'aws configure'");
        }
    }

    private AwsCredentialsProvider credentials() {
        if (profile.isPresent()) {
            return ProfileCredentialsProvider.create(profile.get());
        }
        String id = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        if (id != null && secret != null) {
            String token = environment.get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, token));
        }
        return DefaultCredentialsProvider.create();
    }

    /** How long a client waits for a TCP connection (an endpoint that does not accept is given up after this). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long a client waits for the next bytes of an answer. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long one attempt of a call may take in all. The CLI's calls are small (Batch, Logs, CloudFormation, a plan
     * of at most 1 MiB); uploads of staged files get a longer attempt from their size ({@link Staging}).
     */
    public static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long a call may take with its retries (the SDK's standard mode: 3 attempts). An endpoint that never
     * answers fails each call after this, naming the endpoint; {@code submit} makes its first calls in parallel, so
     * it exits 3 about this long after it starts.
     */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The HTTP client. For a plain {@code http://} endpoint (an emulator) it opens connections itself: the SDK's
     * default factory sets up TLS (loading the JDK's CA certificates) whether or not TLS is used, a large part of a
     * short command's start-up. Every other endpoint, AWS's own included, gets the SDK's factory with its TLS and
     * proxy settings.
     */
    private void withHttp(SdkSyncClientBuilder<?, ?> builder) {
        if (endpointUrl.filter(url -> url.regionMatches(true, 0, "http://", 0, 7)).isPresent()) {
            builder.httpClient(UrlConnectionHttpClient.create(AwsClients::plainConnection));
        } else {
            builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT));
        }
    }

    private static HttpURLConnection plainConnection(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) SOCKET_TIMEOUT.toMillis());
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a connection to " + uri + ": " + e.getMessage(), e);
        }
    }

    private ClientOverrideConfiguration calls() {
        return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT).apiCallTimeout(CALL_TIMEOUT)
                .addExecutionInterceptor(new NoAnswerInterceptor(endpointDescription()))
                .build();
    }

    /** Where calls go, for messages: the endpoint without user info, or AWS's endpoints in the region. */
    private String endpointDescription() {
        if (endpointUrl.isPresent()) {
            return NoAnswer.withoutUserInfo(URI.create(endpointUrl.get()));
        }
        try {
            return "AWS in " + resolvedRegion();
        } catch (IllegalArgumentException e) {
            return "AWS";
        }
    }
}
