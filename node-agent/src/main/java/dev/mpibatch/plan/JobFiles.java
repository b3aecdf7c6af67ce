package dev.mpibatch.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a job file path must be before anything opens it: a regular file. The checks read attributes only, so a FIFO
 * (whose opening waits for a writer) or a device is never opened.
 */
final class JobFiles {
    private static final List<String> USUAL_NAMES = List.of("job.yaml", "job.yml", "job.json");

    private JobFiles() {
    }

    /**
     * Returns normally when {@code path} is a regular file or a link to one.
     *
     * @throws PlanException naming the path, what it is instead, and what to pass
     */
    static void requireRegularFile(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new PlanException("job file " + path + " does not exist: check the path");
        } catch (IOException e) {
            throw new PlanException("job file " + path + " cannot be read: " + e.getMessage()
                    + ": pass a readable YAML or JSON job file");
        }
        if (attributes.isDirectory()) {
            throw new PlanException("job file " + path + " is a directory: pass the job file inside it, e.g. "
                    + path.resolve(jobFileIn(path)));
        }
        if (!attributes.isRegularFile()) {
            throw new PlanException("job file " + path + " is not a regular file (a FIFO, socket or device): pass a "
                    + "YAML or JSON job file");
        }
    }

    /** The name of a job file in {@code dir}: the usual one that exists, else the first YAML or JSON file there. */
    private static String jobFileIn(Path dir) {
        for (String name : USUAL_NAMES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return name;
            }
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"))
                    .sorted().findFirst().orElse(USUAL_NAMES.get(0));
        } catch (IOException | RuntimeException e) {
            return USUAL_NAMES.get(0);
        }
    }
}
