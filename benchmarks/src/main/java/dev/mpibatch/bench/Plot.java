package dev.mpibatch.bench;

import java.util.List;
import java.util.Objects;

/**
 * A line plot of one or more series, rendered to PNG by {@link PlotRenderer}.
 *
 * @param title  the plot's title
 * @param xLabel the x axis' label
 * @param yLabel the y axis' label
 * @param logX   whether the x axis is logarithmic (node counts 8 to 1000)
 * @param series the lines
 */
public record Plot(String title, String xLabel, String yLabel, boolean logX, List<Series> series) {
    public Plot {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(xLabel, "xLabel");
        Objects.requireNonNull(yLabel, "yLabel");
        series = List.copyOf(series);
    }
}
