package dev.mpibatch.bench;

import java.util.List;
import java.util.Objects;

/**
 * One line of a plot.
 *
 * @param name   the legend's text
 * @param points {@code {x, y}} pairs, in the order they are drawn
 */
public record Series(String name, List<double[]> points) {
    public Series {
        Objects.requireNonNull(name, "name");
        points = List.copyOf(points);
        for (double[] point : points) {
            if (point.length != 2) {
                throw new IllegalArgumentException("series '" + name + "' has a point with " + point.length
                        + " coordinates; every point is {x, y}");
            }
        }
    }
}
