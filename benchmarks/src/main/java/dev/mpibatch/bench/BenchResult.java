package dev.mpibatch.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one benchmark run measured: tables, plots, targets, and raw numbers for the JSON file.
 *
 * <pre>{@code
 * return BenchResult.builder("formation", "Cluster formation")
 *         .method("N simulated nodes as threads against S3Proxy ...")
 *         .table(table)
 *         .target("N=1000, 20 ms", "< 2 s", "1.4 s", true)
 *         .plot(plot)
 *         .data("runs", runs)
 *         .build();
 * }</pre>
 *
 * @param name    the benchmark's name (file names)
 * @param title   a heading for docs/benchmarks.md
 * @param method  markdown: how it was measured, which sizes and rates were chosen, and why
 * @param tables  result tables
 * @param targets the targets against the measurements
 * @param plots   plots, rendered next to the JSON file
 * @param notes   markdown paragraphs after the tables: what dominates, what falls short and why
 * @param data    raw numbers, kept in the JSON file only
 */
public record BenchResult(String name, String title, String method, List<Table> tables, List<Target> targets,
                          List<Plot> plots, List<String> notes, Map<String, Object> data) {
    public BenchResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(title, "title");
        method = method == null ? "" : method;
        tables = List.copyOf(tables);
        targets = List.copyOf(targets);
        plots = List.copyOf(plots);
        notes = List.copyOf(notes);
        data = Map.copyOf(data);
    }

    public static Builder builder(String name, String title) {
        return new Builder(name, title);
    }

    /** Builds a {@link BenchResult}; every call adds to what is there. */
    public static final class Builder {
        private final String name;
        private final String title;
        private String method = "";
        private final List<Table> tables = new ArrayList<>();
        private final List<Target> targets = new ArrayList<>();
        private final List<Plot> plots = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final Map<String, Object> data = new LinkedHashMap<>();

        private Builder(String name, String title) {
            this.name = name;
            this.title = title;
        }

        public Builder method(String markdown) {
            this.method = markdown;
            return this;
        }

        public Builder table(Table table) {
            tables.add(table);
            return this;
        }

        public Builder target(String what, String goal, String measured, boolean met) {
            targets.add(new Target(what, goal, measured, met));
            return this;
        }

        public Builder plot(Plot plot) {
            plots.add(plot);
            return this;
        }

        public Builder note(String markdown) {
            notes.add(markdown);
            return this;
        }

        public Builder data(String key, Object value) {
            data.put(key, value);
            return this;
        }

        public BenchResult build() {
            return new BenchResult(name, title, method, tables, targets, plots, notes, data);
        }
    }
}
