package io.multitier.bench;

import static io.multitier.bench.Report.ops;
import static io.multitier.bench.Report.ratio;

import com.fasterxml.jackson.databind.JsonNode;
import io.multitier.bench.Results.Row;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The report's remote sections: the Remote benchmark's paths side by side at each thread count,
 * with the ratios to Redisson's JCache and raw Redisson and the round trips and commands per
 * operation; and the Zipfian mix's bound computed from the same run's costs.
 */
final class RemoteReport {

  static final List<String> CONTENDERS = List.of("mtj-tiered", "redisson-jcache", "raw-redisson");
  /** Remote's benchmark methods and the RoundTrips operation that counts the same path. */
  static final Map<String, String> OPERATIONS = new java.util.LinkedHashMap<>();

  static {
    OPERATIONS.put("Remote.get", "get (L2 hit)");
    OPERATIONS.put("Remote.put", "put");
    OPERATIONS.put("Remote.getAll100", "getAll(100) (L2 hits)");
    OPERATIONS.put("Remote.putAll100", "putAll(100)");
    OPERATIONS.put("Remote.remove", "remove");
    OPERATIONS.put("Remote.invoke", "invoke");
  }

  private RemoteReport() {}

  static void paths(StringBuilder md, List<Row> rows, JsonNode trips) {
    List<Row> remote = rows.stream().filter(r -> r.workload().startsWith("Remote.")).toList();
    if (remote.isEmpty()) {
      return;
    }
    md.append("### Remote paths side by side (ops/s; ± is JMH's 99.9% half-width)\n\n");
    md.append("Our tiered cache with an L1 of one entry (its reads are L2 hits), Redisson's JCache and raw Redisson "
        + "(`RBucket`/`RBuckets` on bytes), in one run. ÷ columns: our score over the peer's at the same thread "
        + "count (1T / 16T / 64T). Round trips and commands per operation: `RoundTrips` over 1,000 operations from 1 "
        + "thread (from 64 threads in brackets when different); commands include those run inside Lua scripts.\n\n");
    for (Map.Entry<String, String> operation : OPERATIONS.entrySet()) {
      List<Row> op = remote.stream().filter(r -> r.workload().equals(operation.getKey())).toList();
      if (op.isEmpty()) {
        continue;
      }
      TreeSet<Integer> threads = new TreeSet<>();
      op.stream().filter(r -> !r.impl().equals("mtj-tiered") || r.threads() != 2).forEach(r -> threads.add(r.threads()));
      md.append("#### ").append(Results.label(operation.getKey())).append("\n\n");
      md.append("| contender |");
      threads.forEach(t -> md.append(' ').append(t).append("T ops/s | ± |"));
      md.append(" ÷ redisson-jcache | ÷ raw-redisson | round trips / op | Redis commands / op | commandstats per op |\n");
      md.append("| --- |");
      threads.forEach(t -> md.append(" ---: | ---: |"));
      md.append(" ---: | ---: | ---: | ---: | --- |\n");
      for (String impl : CONTENDERS) {
        if (op.stream().noneMatch(r -> r.impl().equals(impl))) {
          continue;
        }
        md.append("| ").append(Report.bold(impl)).append(" |");
        for (int t : threads) {
          Optional<Row> row = find(op, impl, t);
          md.append(' ').append(row.map(r -> ops(r.score()) + absent(r) + " | " + ops(r.error())).orElse(" | ")).append(" |");
        }
        for (String peer : List.of("redisson-jcache", "raw-redisson")) {
          StringBuilder ratios = new StringBuilder();
          if (impl.equals("mtj-tiered")) {
            for (int t : threads) {
              Optional<Row> ours = find(op, impl, t);
              Optional<Row> other = find(op, peer, t);
              ratios.append(ratios.length() == 0 ? "" : " / ")
                  .append(ours.isPresent() && other.isPresent() ? ratio(ours.get().score() / other.get().score()) : "–");
            }
          }
          md.append(' ').append(ratios).append(" |");
        }
        md.append(' ').append(trips(trips, impl, operation.getValue())).append(" |\n");
      }
      md.append('\n');
    }
    if (trips != null) {
      StringBuilder clients = new StringBuilder();
      for (JsonNode t : trips) {
        if (t.has("connectedClients")) {
          clients.append(clients.length() == 0 ? "" : ", ").append(t.get("contender").asText()).append(' ')
              .append(t.get("connectedClients").asLong());
        }
      }
      if (clients.length() > 0) {
        md.append("Connections to Redis after 64 threads called at once (`INFO clients`, the counting connection "
            + "included): ").append(clients).append(".\n\n");
      }
    }
  }

  private static String absent(Row row) {
    return (Double.isNaN(row.absentShare()) || row.absentShare() == 0) ? ""
        : String.format(Locale.ROOT, " (%.0f%% absent)", 100 * row.absentShare());
  }

  private static String trips(JsonNode trips, String impl, String operation) {
    if (trips == null) {
      return " | | ";
    }
    JsonNode one = trip(trips, impl, operation, 1);
    JsonNode many = trip(trips, impl, operation, 64);
    if (one == null) {
      return " | | ";
    }
    return value(one, many, "roundTripsPerOp") + " | " + value(one, many, "commandsPerOp") + " | "
        + one.get("commandstats").asText();
  }

  private static String value(JsonNode one, JsonNode many, String field) {
    String a = String.format(Locale.ROOT, "%.2f", one.get(field).asDouble());
    if (many == null) {
      return a;
    }
    String b = String.format(Locale.ROOT, "%.2f", many.get(field).asDouble());
    return a.equals(b) ? a : a + " (" + b + ")";
  }

  private static JsonNode trip(JsonNode trips, String impl, String operation, int threads) {
    for (JsonNode t : trips) {
      if (t.has("operation") && t.get("contender").asText().equals(impl) && t.get("operation").asText().equals(operation)
          && t.path("threads").asInt(1) == threads) {
        return t;
      }
    }
    return null;
  }

  private static Optional<Row> find(List<Row> rows, String impl, int threads) {
    return rows.stream().filter(r -> r.impl().equals(impl) && r.threads() == threads).findFirst();
  }

  /** The Zipfian bound of one thread count, or empty when the run lacks one of its costs. */
  record Bound(int threads, double l1HitRatio, double getHitRatio, double l1Get, double l2Get, double put,
      double bound, double measured) {

    double share() {
      return measured / bound;
    }
  }

  /**
   * What ZipfMix's own mix allows our tiered cache, from the run's own costs. Per operation: a put
   * with probability w, else a get; a get is an L1 hit (probability h, cost 1/X_L1) or goes to Redis
   * (1/X_L2), and one that finds nothing puts the value back (probability 1 − g, cost 1/X_put). So
   * the time per operation is w/X_put + (1 − w)(h/X_L1 + (1 − h)/X_L2 + (1 − g)/X_put), and the
   * bound is its inverse. X are throughputs at the same thread count (each already the sum over the
   * threads), so the bound is the mix's throughput at that thread count.
   */
  static Optional<Bound> zipfBound(List<Row> rows, int threads) {
    Optional<Row> zipf = Report.find(rows, "ZipfMix.readWrite", "mtj-tiered", "value", threads);
    Optional<Row> l1 = Report.find(rows, Report.TIERED_GET_HIT, "mtj-tiered", "value", threads, "eternal")
        .or(() -> Report.find(rows, "GetHit.get", "mtj-tiered", "value", threads));
    Optional<Row> l2 = Report.find(rows, "Remote.get", "mtj-tiered", "value", threads);
    Optional<Row> put = Report.find(rows, "Remote.put", "mtj-tiered", "value", threads);
    if (zipf.isEmpty() || l1.isEmpty() || l2.isEmpty() || put.isEmpty() || Double.isNaN(zipf.get().l1HitRatio())) {
      return Optional.empty();
    }
    double w = ZipfMix.WRITE_SHARE;
    double h = zipf.get().l1HitRatio();
    double g = Double.isNaN(zipf.get().hitRatio()) ? 1 : zipf.get().hitRatio();
    double xL1 = l1.get().score();
    double xL2 = l2.get().score();
    double xPut = put.get().score();
    double time = w / xPut + (1 - w) * (h / xL1 + (1 - h) / xL2 + (1 - g) / xPut);
    return Optional.of(new Bound(threads, h, g, xL1, xL2, xPut, 1 / time, zipf.get().score()));
  }

  static void zipfBoundTable(StringBuilder md, List<Row> rows) {
    List<Bound> bounds = List.of(1, 2).stream().map(t -> zipfBound(rows, t)).flatMap(Optional::stream).toList();
    if (bounds.isEmpty()) {
      return;
    }
    md.append("### Zipfian 90/10: our tiered cache against the bound its own mix allows\n\n");
    md.append("Bound = 1 / (w/X_put + (1 − w)·(h/X_L1 + (1 − h)/X_L2 + (1 − g)/X_put)), w = 0.10 the share of puts, "
        + "h the share of gets L1 answered (ZipfMix's `l1Hits`/`l1Misses`, from the tier statistics), g the share of "
        + "gets that found a value, X_L1 the tiered L1-hit get (TieredGetHit eternal, else GetHit), X_L2 the L2-hit "
        + "get and X_put the put (Remote), all of this run at the same thread count.\n\n");
    md.append("| threads | h (L1 hits / gets) | g (gets found) | X_L1 | X_L2 | X_put | bound | measured | measured ÷ bound |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Bound b : bounds) {
      md.append(String.format(Locale.ROOT, "| %d | %.1f%% | %.1f%% | %s | %s | %s | %s | %s | %.2f× |\n", b.threads(),
          100 * b.l1HitRatio(), 100 * b.getHitRatio(), ops(b.l1Get()), ops(b.l2Get()), ops(b.put()), ops(b.bound()),
          ops(b.measured()), b.share()));
    }
    md.append('\n');
  }
}
