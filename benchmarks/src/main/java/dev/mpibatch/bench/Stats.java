package dev.mpibatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Small statistics for noisy measurements: medians and side-by-side ratios. */
public final class Stats {
    private Stats() {
    }

    /** The median of {@code values}; the mean of the two middle values for an even count. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values is undefined: measure at least once");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }

    /** {@code measured / baseline}: 1.0 means the same, 1.3 means 30% slower than the baseline. */
    public static double ratio(double measured, double baseline) {
        if (baseline <= 0) {
            throw new IllegalArgumentException("a ratio needs a positive baseline, not " + baseline);
        }
        return measured / baseline;
    }

    /** A number with {@code decimals} decimals, independent of the machine's locale. */
    public static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
