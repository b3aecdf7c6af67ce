package dev.mpibatch.local;

import java.nio.file.Path;

/** Builds a {@link LocalLayout} without touching the file system, for tests. */
final class LocalLayoutAccess {
    private LocalLayoutAccess() {
    }

    static LocalLayout at(Path root) {
        return LocalLayout.forTest(root, true);
    }
}
