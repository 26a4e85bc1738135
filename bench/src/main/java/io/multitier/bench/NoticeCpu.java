package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What a notice costs the node that receives it (issue 19, item 3): one {@link ScaleNode} JVM
 * ({@code -Xmx256m}) holds every key ({@code -Dscale.keys}, default 40,000); this JVM writes each key
 * once, in order, at a fixed rate, so that each write is one notice to the node under either
 * transport; the node's process CPU time ({@code OperatingSystemMXBean}, JIT and GC included) and
 * that of its Java threads other than the main one ({@code ThreadMXBean}: Redisson's event loops,
 * which receive the notices and drop the copies), each beyond its rate in the idle window before,
 * are divided by the notices it received. Before each rate the node reads every key again (under
 * {@code tracking} a key must be read again to be announced again); the first rate of each transport
 * is a warm-up and is not kept. Usage: {@code NoticeCpu <out.json>} with
 * {@code -Dbench.redis=redis://127.0.0.1:PORT}; {@code -Dnotice.invalidations=publish,tracking},
 * {@code -Dnotice.rates=1000,500,2000,4000} (writes/s; the first is the warm-up),
 * {@code -Dnotice.writeMillis=6000}, {@code -Dnotice.idleMillis=3000}.
 */
public final class NoticeCpu {

  /** Time between the node's reading every key again and its idle window. */
  private static final long QUIET_MILLIS = 2_000;

  private NoticeCpu() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("scale.keys") == null) {
      System.setProperty("scale.keys", "40000");
    }
    if (System.getProperty("scale.nodeHeap") == null) {
      System.setProperty("scale.nodeHeap", "256m");
    }
    long idle = Long.getLong("notice.idleMillis", 3_000);
    long write = Long.getLong("notice.writeMillis", 6_000);
    List<Double> rates = new ArrayList<>();
    for (String rate : System.getProperty("notice.rates", "1000,500,2000,4000").split(",")) {
      rates.add(Double.parseDouble(rate.strip()));
    }
    String[] keys = Data.keys(ScaleModel.KEYS);
    for (double rate : rates) {
      if (rate * write / 1000 > keys.length) {
        throw new IllegalArgumentException(rate + " writes/s for " + write + " ms write more than the "
            + keys.length + " keys once: raise -Dscale.keys");
      }
    }
    List<String> lines = new ArrayList<>();
    for (String invalidation : System.getProperty("notice.invalidations", "publish,tracking").split(",")) {
      System.setProperty("bench.invalidation", invalidation);
      Redis.call("FLUSHALL");
      byte[] value = Data.value(7);
      try (Contenders.JCacheContender writer = ScaleModel.cache();
          ScaleModel.Node node = ScaleModel.Node.start(1, 0, invalidation)) {
        writer.fill(Data.entries(keys));
        node.await("ready", 300);
        for (int i = 0; i < rates.size(); i++) {
          node.send("read");
          node.await("ready", 300);
          // the reads' own work (replies, promotions, the JIT) must not count as idle
          Thread.sleep(QUIET_MILLIS);
          node.send(String.format(Locale.ROOT, "go %d %d 0 0", idle, write));
          Thread.sleep(idle);
          long writes = 0;
          long start = System.nanoTime();
          long end = start + write * 1_000_000;
          long interval = (long) (1e9 / rates.get(i));
          for (long next = start; next < end && writes < keys.length; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            writer.put(keys[(int) writes], value);
            writes++;
          }
          double seconds = (System.nanoTime() - start) / 1e9;
          node.await("written ", 60);
          Thread.sleep(ScaleModel.SETTLE_MILLIS);
          node.send("stop");
          JsonNode result = new ObjectMapper().readTree(node.await("result ", 30));
          String line = String.format(Locale.ROOT,
              "  {\"invalidation\": \"%s\", \"warmUp\": %b, \"targetRate\": %.0f, \"writes\": %d, \"writesPerSecond\": %.1f,"
                  + " \"notices\": %d, \"processCpuNanosBeyondIdle\": %.0f, \"otherThreadsCpuNanosBeyondIdle\": %.0f,"
                  + " \"gcMillis\": %d, \"l1Flushes\": %d}",
              invalidation, i == 0, rates.get(i), writes, writes / seconds, result.get("notices").asLong(),
              ScaleModel.extraCpuNanos(result), ScaleModel.receiverCpuNanos(result), result.get("gcMillis").asLong(),
              result.get("l1Flushes").asLong());
          JsonNode round = new ObjectMapper().readTree(line);
          long notices = Math.max(1, round.get("notices").asLong());
          System.out.printf(Locale.ROOT, "%s%s: %d writes at %.0f/s, %d notices received; per notice %.1f us of the"
                  + " node's process CPU, %.1f us of its receiving threads%n", invalidation, (i == 0) ? " (warm-up)" : "",
              writes, writes / seconds, round.get("notices").asLong(),
              round.get("processCpuNanosBeyondIdle").asDouble() / 1e3 / notices,
              round.get("otherThreadsCpuNanosBeyondIdle").asDouble() / 1e3 / notices);
          if (i > 0) {
            lines.add(line);
          }
        }
      }
    }
    Path output = Path.of(args[0]);
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    Files.writeString(output, "[\n" + String.join(",\n", lines) + "\n]\n", UTF_8);
  }
}
