package dev.mpibatch.testing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A real S3 API server in the test JVM (S3Proxy over an in-memory blob store) that checks SigV4 signatures.
 * {@link #client()} records every request it sends, for tests that assert what was written and how.
 */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String ACCESS_KEY = "mpi-batch-test";
    public static final String SECRET_KEY = "mpi-batch-test-secret-key";
    public static final String REGION = "us-east-1";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String host;
    private final List<Object> requests = new ArrayList<>();

    private S3ProxyFixture(String bindHost, String host) throws Exception {
        this.host = host;
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore())
                .endpoint(URI.create("http://" + bindHost + ":0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("S3Proxy did not start within 30 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    /**
     * The objects behind the server, for a simulation whose many clients should not pay for HTTP: what they write
     * here the server serves, and the other way round.
     */
    public org.jclouds.blobstore.BlobStore blobStore() {
        return context.getBlobStore();
    }

    /** An S3 server on 127.0.0.1. */
    public static S3ProxyFixture start() throws Exception {
        return new S3ProxyFixture("127.0.0.1", "127.0.0.1");
    }

    /** An S3 server on 127.0.0.1 with {@code bucket} already created, for a test class's shared server. */
    public static S3ProxyFixture startWithBucket(String bucket) throws Exception {
        S3ProxyFixture s3 = start();
        s3.createBucket(bucket);
        return s3;
    }

    /** An S3 server on every address of this machine: namespace hosts reach it through their bridge. */
    public static S3ProxyFixture startOnAllAddresses() throws Exception {
        return new S3ProxyFixture("0.0.0.0", "127.0.0.1");
    }

    public String endpoint() {
        return "http://" + host + ":" + proxy.getPort();
    }

    /**
     * A client builder with the fixture's credentials and region, path-style, for {@code endpoint}: this server's or
     * that of something in front of it (a fault proxy); tests add their own HTTP and retry settings.
     */
    public static S3ClientBuilder clientBuilder(String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    /** A client with the fixture's credentials that records the requests it sends. */
    public S3Client client() {
        return clientBuilder(endpoint())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution execution, ExecutionAttributes attributes) {
                        synchronized (requests) {
                            requests.add(execution.request());
                        }
                    }
                }))
                .build();
    }

    /** Every SDK request the fixture's clients sent so far. */
    public List<Object> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
    }

    /** The environment a separate process needs to reach this server with the SDK's default chains. */
    public java.util.Map<String, String> credentialsEnvironment() {
        return java.util.Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", REGION);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
