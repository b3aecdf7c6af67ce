package dev.mpibatch.bench;

import java.util.ArrayList;
import java.util.List;

/** The range and ticks of one plot axis, linear or logarithmic; positions are fractions from 0 to 1. */
record Axis(double min, double max, boolean log) {

    static Axis of(List<Double> values, boolean log) {
        double min = values.stream().mapToDouble(Double::doubleValue).filter(v -> !log || v > 0).min().orElse(log ? 1 : 0);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        if (max <= min) {
            max = log ? min * 10 : min + 1;
        }
        return new Axis(min, max, log);
    }

    /** The same axis from zero with a little headroom (times and counts are read against zero). */
    Axis fromZero() {
        return log ? this : new Axis(Math.min(0, min), max * 1.08, false);
    }

    double position(double value) {
        if (log) {
            return (Math.log(Math.max(value, min)) - Math.log(min)) / (Math.log(max) - Math.log(min));
        }
        return (value - min) / (max - min);
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        if (log) {
            for (double decade = Math.pow(10, Math.floor(Math.log10(min))); decade <= max * 1.0001; decade *= 10) {
                for (double m : new double[] {1, 2, 5}) {
                    double tick = decade * m;
                    if (tick >= min * 0.9999 && tick <= max * 1.0001) {
                        ticks.add(tick);
                    }
                }
            }
            return ticks;
        }
        double step = niceStep((max - min) / 6);
        for (double tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step) {
            ticks.add(tick);
        }
        return ticks;
    }

    static String label(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e9) {
            return String.valueOf((long) value);
        }
        return Stats.fixed(value, Math.abs(value) < 1 ? 2 : 1);
    }

    private static double niceStep(double raw) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }
}
