package io.multitier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's scale-model section (from scale.json, {@link ScaleModel}): per round the notices each
 * node received against the law, the CPU they cost, Redis's CPU per write, and the extrapolation of
 * both to more nodes.
 */
final class ScaleReport {

  /** The share of one core a node may spend on notices before we call it "not scaling". */
  static final double NODE_BUDGET = 0.10;
  /** Per-node write rates of the extrapolation table. */
  static final List<Integer> NODE_RATES = List.of(10, 100);
  static final List<Integer> NODE_COUNTS = List.of(2, 8, 32, 128, 512);

  private ScaleReport() {}

  /** One round, reduced: rates in writes/s, CPU in microseconds. */
  record Round(int nodes, String variant, long writes, double writesPerSecond, long minNotices, long maxNotices,
      long lawMin, long lawMax, double receiverUsPerNotice, double writerUsPerWrite, double nodeCoreShare,
      double redisUsPerWrite, double publishUs, double evalshaUs, long flushes) {}

  static Round reduce(JsonNode round) {
    JsonNode results = round.get("results");
    long writes = 0;
    double seconds = 0;
    for (JsonNode r : results) {
      writes += r.get("writes").asLong();
      seconds = Math.max(seconds, r.get("writeMillis").asDouble() / 1000);
    }
    long minNotices = Long.MAX_VALUE;
    long maxNotices = 0;
    long lawMin = Long.MAX_VALUE;
    long lawMax = 0;
    double receiver = 0;
    int listeners = 0;
    double writer = 0;
    long writers = 0;
    double share = 0;
    long flushes = 0;
    for (JsonNode r : results) {
      long notices = r.get("notices").asLong() + r.get("idleNotices").asLong();
      long own = r.get("writes").asLong();
      minNotices = Math.min(minNotices, notices);
      maxNotices = Math.max(maxNotices, notices);
      lawMin = Math.min(lawMin, writes - own);
      lawMax = Math.max(lawMax, writes - own);
      if (notices > 0) {
        receiver += ScaleModel.receiverCpuNanos(r) / 1e3 / notices;
        listeners++;
      }
      if (own > 0) {
        writer += r.get("writerThreadCpuNanos").asDouble() / 1e3 / own;
        writers++;
      }
      share += ScaleModel.extraCpuNanos(r) / 1e6 / (r.get("writeMillis").asDouble() + r.get("settleMillis").asDouble());
      flushes += r.path("l1Flushes").asLong();
    }
    return new Round(round.get("nodes").asInt(), round.get("variant").asText(), writes, writes / seconds, minNotices,
        maxNotices, lawMin, lawMax, receiver / Math.max(1, listeners), writer / Math.max(1, writers),
        share / results.size(), round.get("redisCpuSeconds").asDouble() * 1e6 / Math.max(1, writes),
        round.get("publishUsecPerCall").asDouble(), round.get("evalshaUsecPerCall").asDouble(), flushes);
  }

  static void write(StringBuilder md, JsonNode scale) {
    List<Round> rounds = new ArrayList<>();
    scale.forEach(round -> rounds.add(reduce(round)));
    md.append("### Scale model: invalidation notices across JVMs (`ScaleModel`)\n\n");
    md.append("Every node (a JVM, `-Xmx64m`) has the same tiered cache over one redis-server, its L1 holding all "
        + "10,000 keys. `one-writer`: node 0 writes, the others listen; `all-write`: every node writes. Receiver CPU "
        + "per notice: the CPU time of a node's Java threads other than the writing one (Redisson's event loops "
        + "receive the notices and drop the L1 copies), beyond their idle rate, per notice received (listening "
        + "nodes; in `all-write` it also covers the replies to the node's own writes and the echoes of its own "
        + "notices). Node CPU: process CPU time beyond idle (JIT and GC included), as a share of one core. Redis CPU "
        + "per write: `INFO cpu` (user + sys) over the write window per write; publish and evalsha: "
        + "`INFO commandstats` usec_per_call.\n\n");
    md.append("| nodes | variant | writes/s (all nodes) | notices per node (min–max) | law: writes by the others "
        + "| receiver CPU / notice (µs) | writer thread CPU / write (µs) | node CPU beyond idle (% of a core) "
        + "| Redis CPU / write (µs) | publish (µs/call) | evalsha (µs/call) | L1 flushes |\n");
    md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Round r : rounds) {
      md.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %s | %s | %.1f | %s | %.1f%% | %.1f | %.2f | %.2f | %d |\n",
          r.nodes(), r.variant(), r.writesPerSecond(), range(r.minNotices(), r.maxNotices()), range(r.lawMin(), r.lawMax()),
          r.receiverUsPerNotice(), r.writerUsPerWrite() > 0 ? String.format(Locale.ROOT, "%.1f", r.writerUsPerWrite()) : "",
          100 * r.nodeCoreShare(), r.redisUsPerWrite(), r.publishUs(), r.evalshaUs(), r.flushes()));
    }
    md.append('\n');

    List<Round> single = rounds.stream().filter(r -> r.variant().equals("one-writer")).toList();
    if (single.size() < 2) {
      return;
    }
    double[] fit = fit(single);
    double perNode = Math.max(fit[1], 0);
    Round largest = single.get(single.size() - 1);
    double c = largest.receiverUsPerNotice();
    md.append(String.format(Locale.ROOT, "Law: every write publishes one notice on the channel of its key prefix, and "
        + "Redis sends it to every subscribed node, the writer included (which drops it by its sender id): per write, "
        + "n deliveries; a node receives every write of the cluster and applies those of the others, W − W_own per "
        + "node. Fitted over the one-writer rounds: Redis CPU per write ≈ %.1f µs + %.2f µs × n (least squares over "
        + "n = %s); a node's receiver CPU ≈ %.0f µs per notice (measured at %d nodes, %.0f notices/s; it falls as "
        + "the rate rises, since notices then share wake-ups). Node side: notices cost every node c × W of CPU "
        + "whatever the node count, so a node spends %.0f%% of a core on them at W = %.0f writes/s across the cluster. "
        + "Redis side: W × (a + b·n) ≤ 1 core, so W ≤ %.0f writes/s at 8 nodes and %.0f at 128.\n\n",
        fit[0], perNode, nodeCounts(single), c, largest.nodes(), largest.writesPerSecond(), 100 * NODE_BUDGET,
        NODE_BUDGET * 1e6 / c, 1e6 / (fit[0] + perNode * 8), 1e6 / (fit[0] + perNode * 128)));
    md.append("| nodes n | per-node write rate w | cluster writes W = n·w | notice CPU per node (% of a core) "
        + "| Redis CPU (% of its one core) | deliveries/s from Redis |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int w : NODE_RATES) {
      for (int n : NODE_COUNTS) {
        double total = (double) n * w;
        md.append(String.format(Locale.ROOT, "| %d | %d | %.0f | %.1f%% | %.0f%% | %.0f |\n", n, w, total,
            100 * total * c / 1e6, 100 * total * (fit[0] + perNode * n) / 1e6, total * n));
      }
    }
    md.append('\n');
  }

  private static String range(long min, long max) {
    return (min == max) ? Long.toString(min) : min + "–" + max;
  }

  private static String nodeCounts(List<Round> rounds) {
    return String.join(", ", rounds.stream().map(r -> Integer.toString(r.nodes())).toList());
  }

  /** Least squares of Redis CPU per write on the node count: {a, b}. */
  static double[] fit(List<Round> rounds) {
    double n = rounds.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Round r : rounds) {
      sx += r.nodes();
      sy += r.redisUsPerWrite();
      sxx += (double) r.nodes() * r.nodes();
      sxy += r.nodes() * r.redisUsPerWrite();
    }
    double b = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return new double[] {(sy - b * sx) / n, b};
  }
}
