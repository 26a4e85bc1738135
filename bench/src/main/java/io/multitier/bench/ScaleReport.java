package io.multitier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The report's scale-model section (from scale.json, {@link ScaleModel}, and notice.json,
 * {@link NoticeCpu}): per round the notices and reads from Redis per write, the CPU they cost, Redis's
 * CPU per write; the law fitted per transport; and its extrapolation to more nodes.
 */
final class ScaleReport {

  /** The node counts of the extrapolation. */
  static final List<Integer> NODE_COUNTS = List.of(8, 128, 1_000);

  private ScaleReport() {}

  /**
   * One round, reduced: rates in writes/s, CPU in microseconds; notices and reads from Redis are
   * counted per write, over all nodes.
   */
  record Round(String invalidation, String reads, int jvms, int managers, String variant, long writes,
      double writesPerSecond, double noticesPerWrite, double readsPerWrite, long minNotices, long maxNotices,
      double receiverUsPerNotice, double redisUsPerWrite, long flushes) {

    int nodes() {
      return jvms * managers;
    }

    String setup() {
      return invalidation + ", " + reads;
    }
  }

  static Round reduce(JsonNode round) {
    JsonNode results = round.get("results");
    long writes = 0;
    long notices = 0;
    long reads = 0;
    double seconds = 0;
    long minNotices = Long.MAX_VALUE;
    long maxNotices = 0;
    double receiver = 0;
    long flushes = 0;
    for (JsonNode r : results) {
      writes += r.get("writes").asLong();
      notices += r.get("notices").asLong();
      reads += r.path("l2Reads").asLong();
      seconds = Math.max(seconds, r.get("writeMillis").asDouble() / 1000);
      minNotices = Math.min(minNotices, r.get("notices").asLong());
      maxNotices = Math.max(maxNotices, r.get("notices").asLong());
      receiver += ScaleModel.receiverCpuNanos(r) / 1e3;
      flushes += r.path("l1Flushes").asLong();
    }
    double perWrite = 1.0 / Math.max(1, writes);
    return new Round(round.path("invalidation").asText("publish"), round.path("reads").asText("all"),
        round.get("nodes").asInt(), round.path("managers").asInt(1), round.get("variant").asText(), writes,
        writes / seconds, notices * perWrite, reads * perWrite, minNotices, maxNotices, receiver / Math.max(1, notices),
        round.get("redisCpuSeconds").asDouble() * 1e6 * perWrite, flushes);
  }

  static void write(StringBuilder md, JsonNode scale, @Nullable JsonNode notice) {
    List<Round> rounds = new ArrayList<>();
    scale.forEach(round -> rounds.add(reduce(round)));
    md.append("### Scale model: invalidation notices across JVMs (`ScaleModel`)\n\n");
    md.append("Nodes (JVMs, `-Xmx64m`; with several CacheManagers per JVM, each with its own Redisson client, a node "
        + "each) share one tiered cache over one redis-server, 10,000 keys. Reads `all`: every node reads every key; "
        + "`own`: node i reads the keys whose index is i modulo the number of nodes; with `-Dscale.sweepMillis` each "
        + "node reads its keys again all the time, so a copy dropped by a notice is read again. `one-writer`: node 0 "
        + "writes; `all-write`: every node writes. Notices and reads from Redis per write: summed over every node "
        + "(tier statistics: counts, which do not jitter). Receiver CPU per notice: a node's Java threads other than "
        + "the writing one, beyond their idle rate, per notice (with re-reading nodes it includes the reads again). "
        + "Redis CPU per write: `INFO cpu` over the write window (the writes, the notices, the reads again) per write.\n\n");
    md.append("| invalidation, reads | nodes | variant | writes/s | notices / write | reads from Redis / write "
        + "| notices per node (min–max) | receiver CPU / notice (µs) | Redis CPU / write (µs) | L1 flushes |\n");
    md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Round r : rounds) {
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f | %.2f | %.2f | %s | %.1f | %.1f | %d |\n",
          r.setup(), (r.managers() == 1) ? Integer.toString(r.jvms()) : r.jvms() + " × " + r.managers(), r.variant(),
          r.writesPerSecond(), r.noticesPerWrite(), r.readsPerWrite(), range(r.minNotices(), r.maxNotices()),
          r.receiverUsPerNotice(), r.redisUsPerWrite(), r.flushes()));
    }
    md.append('\n');

    double c = noticeCost(notice, rounds);
    if (notice != null) {
      md.append("What a notice costs the node that receives it (`NoticeCpu`: one node holding every key, each write one "
          + "notice to it; CPU beyond idle per notice received):\n\n");
      md.append("| invalidation | writes/s | notices | process CPU / notice (µs) | receiving threads / notice (µs) "
          + "| notices/s one core absorbs |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
      for (JsonNode n : notice) {
        double notices = Math.max(1, n.get("notices").asLong());
        double process = n.get("processCpuNanosBeyondIdle").asDouble() / 1e3 / notices;
        md.append(String.format(Locale.ROOT, "| %s | %.0f | %d | %.1f | %.1f | %.0f |\n", n.get("invalidation").asText(),
            n.get("writesPerSecond").asDouble(), n.get("notices").asLong(), process,
            n.get("otherThreadsCpuNanosBeyondIdle").asDouble() / 1e3 / notices, 1e6 / process));
      }
      md.append('\n');
    }

    if (rounds.size() < 4) {
      return;
    }
    // one script cost per transport, one cost per delivery and one per read from Redis for both
    double[] f = fit(rounds);
    md.append(String.format(Locale.ROOT, "Law: Redis CPU per write = a + b × d + g × r, d the notices per write and r "
        + "the reads from Redis per write (least squares over the rounds above, both transports: a = %.1f µs under "
        + "`publish`, %.1f µs under `tracking`, b = %.1f µs per notice delivered, g = %.1f µs per read)", f[0], f[1],
        f[2], f[3]));
    md.append(String.format(Locale.ROOT, ". A node pays c ≈ %.0f µs per notice it "
        + "receives. Extrapolated in steady state (every node reads its keys again before they change again): under "
        + "`publish` d = n − 1 whatever the reads; under `tracking` d is the number of other nodes that read the key "
        + "since its last change: n − 1 when every node reads every key, and, when each reads its own share, the value "
        + "measured at the largest n, which does not grow with n; r = n − 1 when every node reads every key, else "
        + "as measured. A node receives d / n of the cluster's writes.\n\n", c));
    md.append("| invalidation, reads | variant | measured at n | d | r | one Redis core, writes/s at n = "
        + String.join(" / ", NODE_COUNTS.stream().map(String::valueOf).toList())
        + " | one node core, cluster writes/s at n = " + String.join(" / ", NODE_COUNTS.stream().map(String::valueOf).toList())
        + " |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    Map<String, Round> largest = new LinkedHashMap<>();
    for (Round r : rounds) {
      largest.merge(r.setup() + "|" + r.variant(), r, (a, b) -> (b.nodes() >= a.nodes()) ? b : a);
    }
    for (Round r : largest.values()) {
      if (r.nodes() < 2) {
        continue;
      }
      double a = r.invalidation().equals("tracking") ? f[1] : f[0];
      List<String> redis = new ArrayList<>();
      List<String> node = new ArrayList<>();
      for (int n : NODE_COUNTS) {
        // every other node holds the key (all), or its owner and whoever wrote it last (own, tracking)
        boolean all = r.reads().equals("all");
        double d = (all || r.invalidation().equals("publish")) ? n - 1 : r.noticesPerWrite();
        double reads = all ? n - 1 : r.readsPerWrite();
        redis.add(String.format(Locale.ROOT, "%.0f", 1e6 / Math.max(1, a + f[2] * d + f[3] * reads)));
        // a node receives d / n of the cluster's writes
        node.add(String.format(Locale.ROOT, "%.0f", n * 1e6 / (c * Math.max(d, 1e-9))));
      }
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %s | %s |\n", r.setup(), r.variant(),
          r.nodes(), r.noticesPerWrite(), r.readsPerWrite(), String.join(" / ", redis), String.join(" / ", node)));
    }
    md.append('\n');
  }

  /** CPU per notice on a receiving node: NoticeCpu's median, else the receivers of the largest round. */
  private static double noticeCost(@Nullable JsonNode notice, List<Round> rounds) {
    if (notice != null && notice.size() > 0) {
      List<Double> costs = new ArrayList<>();
      notice.forEach(n -> costs.add(n.get("processCpuNanosBeyondIdle").asDouble() / 1e3
          / Math.max(1, n.get("notices").asLong())));
      costs.sort(null);
      return costs.get(costs.size() / 2);
    }
    return rounds.stream().max(java.util.Comparator.comparingInt(Round::nodes)).map(Round::receiverUsPerNotice)
        .orElse(50.0);
  }

  private static String range(long min, long max) {
    return (min == max) ? Long.toString(min) : min + "–" + max;
  }

  /**
   * Least squares of Redis CPU per write on the transport, the notices and the reads per write:
   * {a under publish, a under tracking, b, g}.
   */
  static double[] fit(List<Round> rounds) {
    int k = 4;
    double[][] m = new double[k][k + 1];
    for (Round r : rounds) {
      boolean tracking = r.invalidation().equals("tracking");
      double[] x = {tracking ? 0 : 1, tracking ? 1 : 0, r.noticesPerWrite(), r.readsPerWrite()};
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          m[i][j] += x[i] * x[j];
        }
        m[i][k] += x[i] * r.redisUsPerWrite();
      }
    }
    // Gauss-Jordan elimination with partial pivoting on the normal equations
    for (int col = 0; col < k; col++) {
      int pivot = col;
      for (int row = col + 1; row < k; row++) {
        if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
          pivot = row;
        }
      }
      double[] swap = m[col];
      m[col] = m[pivot];
      m[pivot] = swap;
      for (int row = 0; row < k; row++) {
        if (row != col && m[col][col] != 0) {
          double factor = m[row][col] / m[col][col];
          for (int c = col; c <= k; c++) {
            m[row][c] -= factor * m[col][c];
          }
        }
      }
    }
    double[] fit = new double[k];
    for (int i = 0; i < k; i++) {
      fit[i] = (m[i][i] == 0) ? 0 : m[i][k] / m[i][i];
    }
    return fit;
  }
}
