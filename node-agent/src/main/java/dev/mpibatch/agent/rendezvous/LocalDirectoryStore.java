package dev.mpibatch.agent.rendezvous;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/** A rendezvous in a directory shared by all nodes (a local cluster). Writes are atomic: temp file, then rename. */
public final class LocalDirectoryStore implements RendezvousStore {
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path scope;

    public LocalDirectoryStore(Path scope) {
        this.scope = scope.toAbsolutePath().normalize();
    }

    @Override
    public void put(String key, byte[] value) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
            Files.write(temp, value);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RendezvousException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean create(String key, byte[] value) {
        Path target = resolve(key);
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            Files.write(temp, value);
            // link(2) fails when the target exists, and the whole value appears at once: an atomic create.
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new RendezvousException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a stray temp file is ignored by list() and removed with the scope
            }
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        try {
            return Optional.of(Files.readAllBytes(resolve(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RendezvousException("cannot read " + resolve(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        if (!Files.isDirectory(scope)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> files = Files.walk(scope)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(TEMP_PREFIX))
                    .map(p -> scope.relativize(p).toString().replace('\\', '/'))
                    .filter(k -> k.startsWith(prefix))
                    .forEach(keys::add);
        } catch (IOException | UncheckedIOException e) {
            // A file renamed or deleted while we walk is not an error: the next poll sees the new state.
            return keys;
        }
        return keys;
    }

    @Override
    public void deleteAll() {
        if (!Files.exists(scope)) {
            return;
        }
        try (Stream<Path> files = Files.walk(scope)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new RendezvousException("cannot delete " + scope + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return scope + "/";
    }

    private Path resolve(String key) {
        Path path = scope.resolve(key).normalize();
        if (!path.startsWith(scope) || key.startsWith("/")) {
            throw new IllegalArgumentException("rendezvous key '" + key + "' escapes " + scope);
        }
        return path;
    }
}
