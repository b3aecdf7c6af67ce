package dev.mpibatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static BenchResult sample() {
        Plot plot = new Plot("time vs N", "nodes", "ms", true, List.of(
                new Series("20 ms", List.of(new double[] {8, 120}, new double[] {1000, 1400})),
                new Series("0 ms", List.of(new double[] {8, 60}, new double[] {1000, 900}))));
        return BenchResult.builder("formation", "Cluster formation")
                .method("simulated nodes")
                .table(Table.of(List.of("N", "median ms")).row(8, "120").row(1000, "1400"))
                .target("N=1000, 20 ms", "< 2 s", "1.40 s", true)
                .target("requests per node", "<= 10", "12", false)
                .plot(plot)
                .note("polling dominates")
                .data("runs", 5)
                .build();
    }

    @Test
    void saveAndLoad_roundTripsTheResultAndDrawsThePlot(@TempDir Path dir) throws Exception {
        ResultFiles files = new ResultFiles(dir);
        List<Path> images = files.save(new ResultFiles.Saved(sample(), "2026-11-25T01:00:00Z",
                "test machine", "bin/bench formation", 12.5, false));

        List<ResultFiles.Saved> loaded = files.loadAll(List.of("formation"));
        assertThat(loaded).singleElement().satisfies(s -> {
            assertThat(s.result().tables()).isEqualTo(sample().tables());
            assertThat(s.result().targets()).isEqualTo(sample().targets());
            assertThat(s.result().data()).containsEntry("runs", 5);
        });
        BufferedImage image = ImageIO.read(images.get(0).toFile());
        assertThat(image.getWidth()).isGreaterThan(400);
        assertThat(distinctColours(image)).as("lines, axes and text drawn, not a blank image").isGreaterThan(10);
    }

    @Test
    void render_showsTargetsMissedInBoldAndLinksThePlot(@TempDir Path dir) throws Exception {
        ResultFiles files = new ResultFiles(dir);
        files.save(new ResultFiles.Saved(sample(), "2026-11-25T01:00:00Z", "test machine", "bin/bench formation", 1, true));

        String md = ReportWriter.render(files.loadAll(List.of()));

        assertThat(md).contains("## Cluster formation", "| N | median ms |", "| 1000 | 1400 |",
                "| requests per node | <= 10 | 12 | **no** |", "![time vs N](benchmarks/formation.png)",
                "(quick run)", "test machine", "polling dominates");
        assertThat(Files.exists(dir.resolve("formation.png"))).isTrue();
    }

    @Test
    void main_withAnUnknownBenchmark_exitsTwoNamingIt(@TempDir Path dir) throws Exception {
        assertThat(BenchMain.run(new String[] {"nope"}, dir)).isEqualTo(2);
        assertThat(BenchMain.run(new String[] {"--runs", "x"}, dir)).isEqualTo(2);
    }

    private static long distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
