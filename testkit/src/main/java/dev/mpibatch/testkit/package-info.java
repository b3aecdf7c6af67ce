/**
 * Test tools shared by the modules' tests and the benchmarks. {@link dev.mpibatch.testkit.S3FaultProxy} sits
 * between S3 clients and an S3 server and injects throttling, server errors, connection resets and delays:
 *
 * <pre>{@code
 * try (S3ProxyFixture s3 = S3ProxyFixture.start();
 *      S3FaultProxy proxy = S3FaultProxy.builder().upstream(URI.create(s3.endpoint()))
 *              .faultRate(0.2).seed(7).faults(EnumSet.of(Fault.SLOW_DOWN_503, Fault.RESET)).start()) {
 *     S3Client client = ...endpointOverride(URI.create(proxy.endpoint()))...;
 *     assertThat(proxy.stats().totalRequests()).isLessThan(100);
 * }
 * }</pre>
 *
 * <p>{@link dev.mpibatch.testkit.SilentServer} is an endpoint that never answers (it accepts and stays silent, or
 * its accept backlog is full), for proving that every wait is bounded.
 */
package dev.mpibatch.testkit;
