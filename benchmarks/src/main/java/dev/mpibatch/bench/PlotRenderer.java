package dev.mpibatch.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** Draws a {@link Plot} as a PNG with the JDK's own 2D graphics: no plotting library, no display needed. */
public final class PlotRenderer {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 90;
    private static final int RIGHT = 220;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private PlotRenderer() {
    }

    /** Writes {@code plot} to {@code file} as PNG. */
    public static void write(Plot plot, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            draw(plot, g);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("the JDK has no PNG writer: cannot write " + file);
        }
    }

    private static void draw(Plot plot, Graphics2D g) {
        Axis x = Axis.of(plot.series().stream().flatMap(s -> s.points().stream()).map(p -> p[0]).toList(), plot.logX());
        Axis y = Axis.of(plot.series().stream().flatMap(s -> s.points().stream()).map(p -> p[1]).toList(), false)
                .fromZero();
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(plot.title(), LEFT, TOP - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        for (double tick : x.ticks()) {
            int px = LEFT + (int) Math.round(x.position(tick) * plotWidth);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, TOP, px, TOP + plotHeight);
            g.setColor(Color.BLACK);
            String label = Axis.label(tick);
            g.drawString(label, px - metrics.stringWidth(label) / 2, TOP + plotHeight + 18);
        }
        for (double tick : y.ticks()) {
            int py = TOP + plotHeight - (int) Math.round(y.position(tick) * plotHeight);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT, py, LEFT + plotWidth, py);
            g.setColor(Color.BLACK);
            String label = Axis.label(tick);
            g.drawString(label, LEFT - 8 - metrics.stringWidth(label), py + 4);
        }
        g.drawString(plot.xLabel(), LEFT + plotWidth / 2 - metrics.stringWidth(plot.xLabel()) / 2, HEIGHT - 25);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(plot.yLabel(), -(TOP + plotHeight / 2 + metrics.stringWidth(plot.yLabel()) / 2), 25);
        rotated.dispose();
        List<Series> series = plot.series();
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int[] previous = null;
            for (double[] point : series.get(i).points()) {
                int px = LEFT + (int) Math.round(x.position(point[0]) * plotWidth);
                int py = TOP + plotHeight - (int) Math.round(y.position(point[1]) * plotHeight);
                g.fillOval(px - 4, py - 4, 8, 8);
                if (previous != null) {
                    g.drawLine(previous[0], previous[1], px, py);
                }
                previous = new int[] {px, py};
            }
            int legendY = TOP + 20 + i * 20;
            g.fillRect(LEFT + plotWidth + 15, legendY - 9, 14, 10);
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).name(), LEFT + plotWidth + 35, legendY);
        }
    }
}
