package dev.mpibatch.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Where results live: {@code docs/benchmarks/<name>.json} and {@code <name>-<i>.png}, one pair per benchmark, so a
 * run of one benchmark updates its own section of docs/benchmarks.md and leaves the others as they were.
 */
public final class ResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    public ResultFiles(Path dir) {
        this.dir = dir;
    }

    /** A result with when and where it was measured and the command that made it. */
    public record Saved(BenchResult result, String measuredAt, String machine, String command, double seconds,
                        boolean quick) {
    }

    public Path dir() {
        return dir;
    }

    /** Writes the result's JSON and plots; returns the plot files. */
    public List<Path> save(Saved saved) throws IOException {
        Files.createDirectories(dir);
        String name = saved.result().name();
        JSON.writeValue(dir.resolve(name + ".json").toFile(), saved);
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < saved.result().plots().size(); i++) {
            Path image = dir.resolve(plotFile(name, i));
            PlotRenderer.write(saved.result().plots().get(i), image);
            images.add(image);
        }
        return images;
    }

    /** Every saved result, ordered as {@code order} names them (unknown names last, by name). */
    public List<Saved> loadAll(List<String> order) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json"))
                    .map(ResultFiles::load)
                    .sorted((a, b) -> rank(order, a) != rank(order, b) ? rank(order, a) - rank(order, b)
                            : a.result().name().compareTo(b.result().name()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    static String plotFile(String name, int index) {
        return index == 0 ? name + ".png" : name + "-" + (index + 1) + ".png";
    }

    private static int rank(List<String> order, Saved saved) {
        int i = order.indexOf(saved.result().name());
        return i < 0 ? order.size() : i;
    }

    private static Saved load(Path file) {
        try {
            return JSON.readValue(file.toFile(), Saved.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark result " + file + ": " + e.getMessage()
                    + " (delete it and run its benchmark again)", e);
        }
    }

    static Map<String, Object> raw(Object value) {
        return JSON.convertValue(value, Map.class);
    }
}
