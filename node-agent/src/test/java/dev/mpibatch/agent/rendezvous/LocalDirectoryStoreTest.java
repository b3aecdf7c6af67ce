package dev.mpibatch.agent.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDirectoryStoreTest {
    @TempDir
    Path dir;

    @Test
    void putGetListDelete_behaveLikeAnObjectStore() {
        LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("job/attempt-1"));
        store.put("nodes/0.json", "a".getBytes());
        store.put("nodes/1.json", "b".getBytes());
        store.put("ready/0", new byte[0]);
        store.put("nodes/0.json", "c".getBytes());

        assertThat(store.get("nodes/0.json")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("c"));
        assertThat(store.get("roster.json")).isEqualTo(Optional.empty());
        assertThat(store.list("nodes/")).containsExactlyInAnyOrder("nodes/0.json", "nodes/1.json");
        assertThat(store.list("")).hasSize(3);

        store.deleteAll();
        assertThat(Files.exists(dir.resolve("job/attempt-1"))).isFalse();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void create_writesOnlyWhenTheKeyIsFree_andLeavesNoTempFile() {
        LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("job/attempt-1"));
        assertThat(store.create("nodes/1.json", "first".getBytes())).isTrue();
        assertThat(store.create("nodes/1.json", "second".getBytes())).isFalse();

        assertThat(store.get("nodes/1.json")).hasValueSatisfying(v -> assertThat(new String(v)).isEqualTo("first"));
        assertThat(dir.resolve("job/attempt-1/nodes").toFile().list()).containsExactly("1.json");
    }

    @Test
    void put_whenKeyEscapesTheScope_fails() {
        LocalDirectoryStore store = new LocalDirectoryStore(dir.resolve("scope"));

        assertThatThrownBy(() -> store.put("../outside", new byte[0])).hasMessageContaining("escapes");
    }

    @Test
    void open_parsesLocations() {
        assertThat(RendezvousStores.open(dir.toString(), Optional.empty(), "job", 2).describe())
                .isEqualTo(dir.resolve("job/attempt-2") + "/");
        assertThat(S3Location.parse("s3://bucket/some/prefix")).isEqualTo(new S3Location("bucket", "some/prefix/"));
        assertThat(S3Location.parse("s3://bucket")).isEqualTo(new S3Location("bucket", ""));
        assertThatThrownBy(() -> S3Location.parse("s3:///prefix")).hasMessageContaining("has no valid bucket name");
        assertThatThrownBy(() -> RendezvousStores.open("http://x/y", Optional.empty(), "job", 1))
                .hasMessageContaining("neither s3://bucket/prefix nor a local directory");
    }
}
