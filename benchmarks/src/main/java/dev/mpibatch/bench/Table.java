package dev.mpibatch.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A results table: column names and rows of already formatted cells.
 *
 * <pre>{@code
 * Table t = Table.of(List.of("N", "median ms")).row(8, "120").row(64, "240");
 * }</pre>
 */
public record Table(List<String> columns, List<List<String>> rows) {
    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row has " + row.size() + " cells but the table has "
                        + columns.size() + " columns " + columns);
            }
        }
    }

    public static Table of(List<String> columns) {
        return new Table(columns, List.of());
    }

    /** This table with one more row; cells are turned into text with {@link String#valueOf}. */
    public Table row(Object... cells) {
        List<List<String>> more = new ArrayList<>(rows);
        more.add(Arrays.stream(cells).map(c -> Objects.toString(c, "")).toList());
        return new Table(columns, more);
    }
}
