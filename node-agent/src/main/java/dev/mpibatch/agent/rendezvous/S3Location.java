package dev.mpibatch.agent.rendezvous;

/**
 * An {@code s3://bucket/prefix} location.
 *
 * @param bucket    the bucket
 * @param keyPrefix the key prefix, empty or ending in '/'
 */
public record S3Location(String bucket, String keyPrefix) {

    /** Parses {@code s3://bucket[/prefix]}; throws naming the location when it has no bucket. */
    public static S3Location parse(String location) {
        if (!location.startsWith("s3://")) {
            throw new IllegalArgumentException("'" + location + "' is not an S3 location: use s3://bucket/prefix");
        }
        String rest = location.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new IllegalArgumentException("'" + location + "' has no valid bucket name: use s3://bucket/prefix "
                    + "with a bucket of 3 to 63 lower-case letters, digits, '.' and '-'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new S3Location(bucket, prefix);
    }
}
