package io.multitier.bench;

import io.multitier.bench.Results.Row;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws throughput by workload as horizontal bars on a log scale, one bar per contender, store-by
 * setting and thread count, with java.awt (headless, nothing to install): {@code Plot <folder> <png>}.
 */
public final class Plot {

  private static final Map<String, Color> COLORS = Map.of(
      "mtj-l1", new Color(0xD6, 0x27, 0x28), "mtj-tiered", new Color(0xFF, 0x7F, 0x0E),
      "caffeine-jcache", new Color(0x1F, 0x77, 0xB4), "ehcache3", new Color(0x2C, 0xA0, 0x2C),
      "redisson-jcache", new Color(0x94, 0x67, 0xBD), "raw-caffeine", new Color(0x7F, 0x7F, 0x7F),
      "raw-redisson", new Color(0x8C, 0x56, 0x4B));

  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    List<Row> rows = Results.read(Path.of(args[0]));
    int barHeight = 16;
    int headerHeight = 30;
    int left = 330;
    int right = 40;
    int top = 70;
    int plotWidth = 900;
    long workloads = rows.stream().map(Row::workload).distinct().count();
    int height = top + rows.size() * barHeight + (int) workloads * headerHeight + 60;
    int width = left + plotWidth + right;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    double minLog = 2; // 100 ops/s
    double maxLog = Math.ceil(Math.log10(rows.stream().mapToDouble(Row::score).max().orElse(1e8)));
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString("Throughput by workload (ops/s, log scale; whiskers: JMH 99.9% error)", 10, 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int lx = 10;
    for (String impl : Results.CONTENDERS) {
      g.setColor(COLORS.get(impl));
      g.fillRect(lx, 34, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(impl, lx + 16, 45);
      lx += 30 + g.getFontMetrics().stringWidth(impl);
    }
    int y = top;
    int axisTop = top;
    String last = "";
    for (Row row : rows) {
      if (!row.workload().equals(last)) {
        last = row.workload();
        g.setColor(new Color(0xEE, 0xEE, 0xEE));
        g.fillRect(0, y + 4, width, headerHeight - 8);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(Results.label(row.workload()), 10, y + 20);
        y += headerHeight;
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      String storeBy = row.storeByIndependent() ? "" : (row.storeBy().equals("value") ? " by-value" : " by-ref");
      String expiry = row.expiry().isEmpty() ? "" : " " + row.expiry();
      String label = row.impl() + storeBy + expiry + ", " + row.threads() + "T";
      g.setColor(Color.BLACK);
      g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + barHeight - 4);
      int x0 = left;
      int x1 = x(row.score(), minLog, maxLog, left, plotWidth);
      g.setColor(COLORS.getOrDefault(row.impl(), Color.DARK_GRAY));
      g.fillRect(x0, y + 2, Math.max(1, x1 - x0), barHeight - 4);
      if (row.error() > 0) {
        int e0 = x(Math.max(1, row.score() - row.error()), minLog, maxLog, left, plotWidth);
        int e1 = x(row.score() + row.error(), minLog, maxLog, left, plotWidth);
        g.setColor(Color.BLACK);
        g.drawLine(e0, y + barHeight / 2, e1, y + barHeight / 2);
      }
      g.setColor(Color.BLACK);
      g.drawString(Report.ops(row.score()), Math.min(x1 + 4, width - 60), y + barHeight - 4);
      y += barHeight;
    }
    g.setStroke(new BasicStroke(1));
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int p = (int) minLog; p <= maxLog; p++) {
      int x = x(Math.pow(10, p), minLog, maxLog, left, plotWidth);
      g.setColor(new Color(0xCC, 0xCC, 0xCC));
      g.drawLine(x, axisTop, x, y);
      g.setColor(Color.BLACK);
      String tick = p >= 6 ? "1e" + p : Report.ops(Math.pow(10, p));
      g.drawString(tick, x - g.getFontMetrics().stringWidth(tick) / 2, y + 16);
    }
    g.drawString("ops/s", left + plotWidth / 2, y + 34);
    g.dispose();
    ImageIO.write(image, "png", Path.of(args[1]).toFile());
    System.out.println("wrote " + args[1]);
  }

  private static int x(double value, double minLog, double maxLog, int left, int width) {
    double log = Math.log10(Math.max(value, Math.pow(10, minLog)));
    return left + (int) Math.round((log - minLog) / (maxLog - minLog) * width);
  }
}
