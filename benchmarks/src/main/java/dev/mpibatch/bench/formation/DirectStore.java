package dev.mpibatch.bench.formation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

import dev.mpibatch.agent.rendezvous.RendezvousKeys;
import dev.mpibatch.agent.rendezvous.RendezvousStore;

/**
 * A simulated worker's rendezvous store: the same objects S3Proxy serves the main node, reached without HTTP, each
 * request taking the simulated latency. A real worker's S3 client runs on its own machine; here a thousand of them
 * would take the two cores from the main node, whose work is what the benchmark measures.
 */
final class DirectStore implements RendezvousStore {
    private final BlobStore blobs;
    private final String bucket;
    private final String prefix;
    private final Duration latency;

    DirectStore(BlobStore blobs, String bucket, String rootPrefix, String jobId, int attempt, Duration latency) {
        this.blobs = blobs;
        this.bucket = bucket;
        this.prefix = rootPrefix + RendezvousKeys.scope(jobId, attempt);
        this.latency = latency;
    }

    @Override
    public void put(String key, byte[] value) {
        wait(latency);
        blobs.putBlob(bucket, blobs.blobBuilder(prefix + key).payload(value).build());
    }

    @Override
    public boolean create(String key, byte[] value) {
        if (blobs.blobExists(bucket, prefix + key)) {
            wait(latency);
            return false;
        }
        put(key, value);
        return true;
    }

    @Override
    public Optional<byte[]> get(String key) {
        wait(latency);
        Blob blob = blobs.getBlob(bucket, prefix + key);
        if (blob == null) {
            return Optional.empty();
        }
        try (InputStream in = blob.getPayload().openStream()) {
            return Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        wait(latency);
        List<String> keys = new ArrayList<>();
        PageSet<? extends StorageMetadata> page = blobs.list(bucket,
                ListContainerOptions.Builder.prefix(prefix + keyPrefix).recursive());
        for (StorageMetadata item : page) {
            keys.add(item.getName().substring(prefix.length()));
        }
        return keys;
    }

    @Override
    public void deleteAll() {
        for (String key : list("")) {
            blobs.removeBlob(bucket, prefix + key);
        }
    }

    @Override
    public String describe() {
        return "direct:" + bucket + "/" + prefix;
    }

    private static void wait(Duration latency) {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
