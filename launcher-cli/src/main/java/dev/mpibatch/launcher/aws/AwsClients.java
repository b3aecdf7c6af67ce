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
import dev.mpibatch.launcher.InvalidInputException;

/**
 * The AWS clients of the CLI: region and endpoint as given, credentials from a profile, from the environment it was
 * handed, or the SDK's default chain. Credentials are never printed.
 *
 * <p>The region is, in this order: the one given ({@code --region}); {@code MPI_BATCH_REGION}, {@code AWS_REGION} or
 * {@code AWS_DEFAULT_REGION} in the environment; the region of the named profile ({@code --profile} or
 * {@code AWS_PROFILE}); the config file's ({@code region=}); the default profile's; the SDK's default chain.
 * {@link #regionSource()} says which one it was, for messages.
 *
 * <p>Every client's waits are bounded: {@link #CONNECT_TIMEOUT} to connect, {@link #SOCKET_TIMEOUT} between bytes of
 * an answer, {@link #ATTEMPT_TIMEOUT} per attempt and {@link #CALL_TIMEOUT} per call with its retries. A call that
 * gets no answer fails naming the endpoint, the service and the operation (exit code 3 in the CLI).
 */
public final class AwsClients {
    private final Optional<String> region;
    private final Optional<String> endpointUrl;
    private final Optional<String> profile;
    private final Optional<String> configRegion;
    private final Map<String, String> environment;
    private final AwsProfiles profiles;
    private Region resolved;
    private String resolvedFrom;
    private AwsCredentialsProvider credentials;

    /**
     * @param region      the region, if given
     * @param endpointUrl an endpoint for every service (an emulator), if given
     * @param profile     a named profile, if given
     * @param environment the environment (AWS_* variables, HOME)
     */
    public AwsClients(Optional<String> region, Optional<String> endpointUrl, Optional<String> profile,
                      Map<String, String> environment) {
        this(region, endpointUrl, profile, Optional.empty(), environment);
    }

    /** The same, with {@code configRegion} (a config file's) below the environment's and the named profile's. */
    public AwsClients(Optional<String> region, Optional<String> endpointUrl, Optional<String> profile,
                      Optional<String> configRegion, Map<String, String> environment) {
        this.region = region.filter(r -> !r.isBlank());
        this.endpointUrl = endpointUrl;
        this.profile = profile.filter(p -> !p.isBlank());
        this.configRegion = configRegion;
        this.environment = Map.copyOf(environment);
        this.profiles = new AwsProfiles(this.environment);
    }

    /** What the CLI's global options describe (each may be null). */
    public static AwsClients forCli(String region, String endpointUrl, String profile, Optional<String> configRegion,
                                    Map<String, String> environment) {
        return new AwsClients(Optional.ofNullable(region), Optional.ofNullable(endpointUrl),
                Optional.ofNullable(profile), configRegion, environment);
    }

    public Optional<String> endpointUrl() {
        return endpointUrl;
    }

    /** The profile in use: the one given, else {@code AWS_PROFILE}. */
    public Optional<String> profile() {
        return profiles.named(profile);
    }

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

    /**
     * The region calls go to.
     *
     * @throws InvalidInputException when none is set anywhere, saying how to set one
     */
    public synchronized Region resolvedRegion() {
        if (resolved == null) {
            resolveRegion();
        }
        return resolved;
    }

    /** Where {@link #resolvedRegion()} came from, e.g. {@code --region}, {@code AWS_REGION}, {@code profile moto}. */
    public synchronized String regionSource() {
        resolvedRegion();
        return resolvedFrom;
    }

    /** "us-east-1 (from profile moto)", for messages. */
    public String describeRegion() {
        return resolvedRegion().id() + " (from " + regionSource() + ")";
    }

    private void resolveRegion() {
        if (region.isPresent()) {
            use(region.get(), "--region");
            return;
        }
        for (String variable : new String[] {"MPI_BATCH_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                use(value, variable);
                return;
            }
        }
        Optional<String> named = profiles.named(profile);
        if (named.isPresent()) {
            profiles.require(named.get());
            Optional<String> ofProfile = profiles.region(named.get());
            if (ofProfile.isPresent()) {
                use(ofProfile.get(), "profile " + named.get() + " in " + profiles.configPath());
                return;
            }
        }
        if (configRegion.isPresent()) {
            use(configRegion.get(), "region= in the mpi-batch config file");
            return;
        }
        Optional<String> ofDefault = profiles.region("default");
        if (ofDefault.isPresent()) {
            use(ofDefault.get(), "the default profile in " + profiles.configPath());
            return;
        }
        try {
            use(new DefaultAwsRegionProviderChain().getRegion().id(), "the AWS SDK's default chain");
        } catch (SdkClientException e) {
            throw new InvalidInputException("region", "no AWS region: pass --region, set AWS_REGION, or set one with "
                    + "'aws configure'" + named.map(p -> " --profile " + p).orElse(""));
        }
    }

    private void use(String id, String source) {
        resolved = Region.of(id);
        resolvedFrom = source;
    }

    /**
     * The credentials provider, checked once: a profile when one is named, else keys in the environment, else the
     * SDK's default chain.
     *
     * @throws InvalidInputException when no credentials are found, in one line saying what to run (as the AWS CLI
     *                               does), instead of the SDK's list of every provider it tried
     */
    private synchronized AwsCredentialsProvider credentials() {
        if (credentials != null) {
            return credentials;
        }
        Optional<String> named = profiles.named(profile);
        AwsCredentialsProvider provider;
        String id = environment.get("AWS_ACCESS_KEY_ID");
        String secret = environment.get("AWS_SECRET_ACCESS_KEY");
        if (named.isPresent()) {
            profiles.require(named.get());
            provider = ProfileCredentialsProvider.builder().profileFile(profiles.files()).profileName(named.get())
                    .build();
        } else if (id != null && secret != null) {
            String token = environment.get("AWS_SESSION_TOKEN");
            provider = StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, token));
        } else {
            provider = DefaultCredentialsProvider.create();
        }
        try {
            provider.resolveCredentials();
        } catch (SdkClientException e) {
            throw new InvalidInputException("profile", named.map(p -> "no AWS credentials in profile " + p + ": run "
                            + "'aws configure --profile " + p + "' (or 'aws sso login --profile " + p + "')")
                    .orElse("no AWS credentials found: run 'aws configure' (or 'aws sso login'), set "
                            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile NAME"));
        }
        credentials = provider;
        return provider;
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
        } catch (InvalidInputException e) {
            return "AWS";
        }
    }
}
