package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.multitier.bench.Results.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one run's results folder (JMH JSON, roundtrips.json, heap.jsonl, scale.json, notice.json) into Markdown tables and the
 * verdict on each target: {@code Report <folder> [BENCHMARKS.md]} writes {@code <folder>/report.md} and, given a
 * Markdown file, puts the same text between its {@link #BEGIN} and {@link #END} markers.
 */
public final class Report {

  static final String TIERED_GET_HIT = "TieredGetHit.get";
  /** The expiry policies for which issue 10 (item 3) sets the tiered L1-hit targets. */
  private static final List<String> TARGET_EXPIRIES = List.of("eternal", "created");

  private static final List<String> PEERS = List.of("raw-caffeine", "caffeine-jcache", "ehcache3", "redisson-jcache");

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    List<Row> rows = Results.read(folder);
    StringBuilder md = new StringBuilder();
    md.append("### Throughput (ops/s, higher is better; ± is JMH's 99.9% confidence half-width)\n\n");
    md.append("Ratios are this row's score divided by the named contender's score in the same workload, "
        + "store-by setting and thread count (raw ceilings have no store-by setting and appear in both).\n\n");
    Map<String, List<Row>> groups = new LinkedHashMap<>();
    for (Row row : rows) {
      if (row.workload().equals(TIERED_GET_HIT) || row.workload().startsWith("Remote.")) {
        continue;  // tables of their own, below
      }
      if (!row.storeByIndependent()) {
        groups.computeIfAbsent(key(row.workload(), row.storeBy(), row.threads()), k -> new ArrayList<>()).add(row);
      }
    }
    for (Row row : rows) {
      if (row.storeByIndependent() && !row.workload().equals(TIERED_GET_HIT) && !row.workload().startsWith("Remote.")) {
        for (String storeBy : List.of("value", "reference")) {
          List<Row> group = groups.get(key(row.workload(), storeBy, row.threads()));
          if (group != null) {
            group.add(row);
          } else if (storeBy.equals("value")) {
            groups.computeIfAbsent(key(row.workload(), storeBy, row.threads()), k -> new ArrayList<>()).add(row);
          }
        }
      }
    }
    String lastWorkload = "";
    for (Map.Entry<String, List<Row>> group : groups.entrySet()) {
      List<Row> members = group.getValue();
      members.sort(java.util.Comparator.comparing(r -> Results.CONTENDERS.indexOf(r.impl())));
      Row first = members.get(0);
      if (!first.workload().equals(lastWorkload)) {
        md.append("#### ").append(Results.label(first.workload())).append("\n\n");
        lastWorkload = first.workload();
      }
      boolean zipf = first.workload().startsWith("ZipfMix");
      md.append(String.format(Locale.ROOT, "store-by-%s, %d thread%s\n\n", first.storeBy(), first.threads(),
          first.threads() == 1 ? "" : "s"));
      md.append("| contender | ops/s | ± | ÷ raw Caffeine | ÷ caffeine-jcache | ÷ ehcache3 | ÷ redisson-jcache |")
          .append(zipf ? " get hit ratio |" : "").append('\n');
      md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |").append(zipf ? " ---: |" : "").append('\n');
      for (Row row : members) {
        md.append("| ").append(bold(row.impl())).append(" | ").append(ops(row.score())).append(" | ")
            .append(ops(row.error())).append(" |");
        for (String peer : PEERS) {
          Optional<Row> other = members.stream().filter(r -> r.impl().equals(peer)).findFirst();
          md.append(' ').append(other.isPresent() && !peer.equals(row.impl())
              ? ratio(row.score() / other.get().score()) : "").append(" |");
        }
        if (zipf) {
          md.append(String.format(Locale.ROOT, " %.0f%% |", 100 * row.hitRatio()));
        }
        md.append('\n');
      }
      md.append('\n');
    }
    tieredTable(md, rows);

    ObjectMapper mapper = new ObjectMapper();
    JsonNode trips = null;
    Path tripsFile = folder.resolve("roundtrips.json");
    if (Files.exists(tripsFile)) {
      trips = mapper.readTree(tripsFile.toFile());
    }
    RemoteReport.paths(md, rows, trips);
    RemoteReport.zipfBoundTable(md, rows);
    if (trips != null) {
      md.append("### Redis round trips per operation (counted over 1,000 operations)\n\n");
      md.append("| contender | operation | calling threads | round trips / op | Redis commands / op (INFO commandstats, scripts' inner calls included) | commands run inside Lua / op | commandstats per op |\n");
      md.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
      for (JsonNode t : trips) {
        if (!t.has("operation")) {
          continue;
        }
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.2f | %s |\n", bold(t.get("contender").asText()),
            t.get("operation").asText(), t.path("threads").asInt(1), t.get("roundTripsPerOp").asDouble(),
            t.get("commandsPerOp").asDouble(), t.get("luaCommandsPerOp").asDouble(), t.get("commandstats").asText()));
      }
      md.append('\n');
    }
    Path scaleFile = folder.resolve("scale.json");
    if (Files.exists(scaleFile)) {
      Path noticeFile = folder.resolve("notice.json");
      ScaleReport.write(md, mapper.readTree(scaleFile.toFile()),
          Files.exists(noticeFile) ? mapper.readTree(noticeFile.toFile()) : null);
    }
    Map<String, Double> heap = new LinkedHashMap<>();
    Path heapFile = folder.resolve("heap.jsonl");
    if (Files.exists(heapFile)) {
      md.append("### Heap per entry (100,000 entries, 11-char String key + 100-byte value)\n\n");
      md.append("| contender | store-by | bytes / entry | of which the cache's own (beyond key + value payload) |\n");
      md.append("| --- | --- | ---: | ---: |\n");
      double payload = Double.NaN;
      for (String line : Files.readAllLines(heapFile, UTF_8)) {
        JsonNode h = mapper.readTree(line);
        if (h.get("contender").asText().equals("payload")) {
          payload = h.get("bytesPerEntry").asDouble();
        }
      }
      for (String line : Files.readAllLines(heapFile, UTF_8)) {
        JsonNode h = mapper.readTree(line);
        String impl = h.get("contender").asText();
        double bytes = h.get("bytesPerEntry").asDouble();
        heap.put(impl + "/" + h.get("storeBy").asText(), bytes);
        md.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %s |\n", bold(impl), h.get("storeBy").asText(), bytes,
            impl.equals("payload") ? "(key and value objects alone)" : String.format(Locale.ROOT, "%.0f", bytes - payload)));
      }
      md.append('\n');
    }

    md.append("### Targets\n\n| target | measured | verdict |\n| --- | --- | --- |\n");
    for (int threads : List.of(1, 2)) {
      Optional<Row> ours = find(rows, "GetHit.get", "mtj-l1", "reference", threads);
      Optional<Row> raw = find(rows, "GetHit.get", "raw-caffeine", "value", threads);
      if (ours.isPresent() && raw.isPresent()) {
        double r = ours.get().score() / raw.get().score();
        target(md, "L1-hit get, store-by-reference, " + threads + "T: ≥ 0.70× raw Caffeine getIfPresent",
            String.format(Locale.ROOT, "%s vs %s ops/s = %.3f×", ops(ours.get().score()), ops(raw.get().score()), r),
            r >= 0.7, String.format(Locale.ROOT, "short by %.1f× (needs %s ops/s more)", 0.7 / r, ops(0.7 * raw.get().score() - ours.get().score())));
      }
    }
    for (String storeBy : List.of("value", "reference")) {
      for (int threads : List.of(1, 2)) {
        for (String peer : List.of("caffeine-jcache", "ehcache3")) {
          Optional<Row> ours = find(rows, "GetHit.get", "mtj-l1", storeBy, threads);
          Optional<Row> other = find(rows, "GetHit.get", peer, storeBy, threads);
          if (ours.isPresent() && other.isPresent()) {
            double r = ours.get().score() / other.get().score();
            target(md, "L1-hit get ahead of " + peer + ", store-by-" + storeBy + ", " + threads + "T",
                String.format(Locale.ROOT, "%s vs %s ops/s = %.3f×", ops(ours.get().score()), ops(other.get().score()), r),
                r > 1, String.format(Locale.ROOT, "%.1f× slower", 1 / r));
          }
        }
      }
    }
    for (String expiry : TARGET_EXPIRIES) {
      for (int threads : List.of(1, 2)) {
        Optional<Row> tiered = find(rows, TIERED_GET_HIT, "mtj-tiered", "value", threads, expiry);
        Optional<Row> local = find(rows, TIERED_GET_HIT, "mtj-l1", "value", threads, expiry);
        if (tiered.isPresent() && local.isPresent()) {
          double r = tiered.get().score() / local.get().score();
          target(md, "tiered L1-hit get ≥ 0.8× L1-only's, " + expiry + ", store-by-value, " + threads + "T",
              String.format(Locale.ROOT, "%s vs %s ops/s = %.2f×", ops(tiered.get().score()), ops(local.get().score()), r),
              r >= 0.8, String.format(Locale.ROOT, "short by %.1f× (needs %s ops/s more)", 0.8 / r,
                  ops(0.8 * local.get().score() - tiered.get().score())));
        }
      }
      Optional<Row> one = find(rows, TIERED_GET_HIT, "mtj-tiered", "value", 1, expiry);
      Optional<Row> two = find(rows, TIERED_GET_HIT, "mtj-tiered", "value", 2, expiry);
      if (one.isPresent() && two.isPresent()) {
        double r = two.get().score() / one.get().score();
        target(md, "tiered L1-hit get, 2T ≥ 1.6× 1T, " + expiry,
            String.format(Locale.ROOT, "%s vs %s ops/s = %.2f×", ops(two.get().score()), ops(one.get().score()), r),
            r >= 1.6, String.format(Locale.ROOT, "short by %.1f×", 1.6 / r));
      }
    }
    for (int threads : List.of(1, 2)) {
      Optional<RemoteReport.Bound> bound = RemoteReport.zipfBound(rows, threads);
      if (bound.isPresent()) {
        RemoteReport.Bound b = bound.get();
        target(md, "Zipfian 90/10, tiered ≥ 0.9× the bound its own mix allows, " + threads + "T",
            String.format(Locale.ROOT, "%s vs %s ops/s = %.2f× (h = %.1f%%)", ops(b.measured()), ops(b.bound()), b.share(),
                100 * b.l1HitRatio()),
            b.share() >= 0.9, String.format(Locale.ROOT, "short by %.2f× (needs %s ops/s more)", 0.9 / b.share(),
                ops(0.9 * b.bound() - b.measured())));
      }
    }
    for (int threads : List.of(1, 2)) {
      Optional<Row> ours = find(rows, "ZipfMix.readWrite", "mtj-tiered", "value", threads);
      Optional<Row> other = find(rows, "ZipfMix.readWrite", "redisson-jcache", "value", threads);
      if (ours.isPresent() && other.isPresent()) {
        double r = ours.get().score() / other.get().score();
        target(md, "Zipfian 90/10, tiered ≥ 50× Redisson's JCache, " + threads + "T",
            String.format(Locale.ROOT, "%s vs %s ops/s = %.1f×", ops(ours.get().score()), ops(other.get().score()), r),
            r >= 50, String.format(Locale.ROOT, "%.1f× short of 50×", 50 / r));
      }
    }
    if (trips != null) {
      for (JsonNode t : trips) {
        if (t.get("contender").asText().equals("mtj-tiered") && t.has("operation") && t.path("threads").asInt(1) == 1
            && !t.get("operation").asText().equals("invoke")) {
          double v = t.get("roundTripsPerOp").asDouble();
          target(md, "round trips, tiered " + t.get("operation").asText() + ": 1",
              String.format(Locale.ROOT, "%.2f", v), Math.round(v * 100) <= 100,
              String.format(Locale.ROOT, "%.2f extra", v - 1));
        }
      }
    }
    for (String storeBy : List.of("value", "reference")) {
      Double ours = heap.get("mtj-l1/" + storeBy);
      Double other = heap.get("caffeine-jcache/" + storeBy);
      if (ours != null && other != null) {
        target(md, "heap per L1 entry ≤ caffeine-jcache's, store-by-" + storeBy,
            String.format(Locale.ROOT, "%.0f vs %.0f bytes", ours, other),
            Math.round(ours) <= Math.round(other),
            String.format(Locale.ROOT, "%.0f bytes (%.0f%%) more", ours - other, 100 * (ours - other) / other));
      }
    }
    Files.writeString(folder.resolve("report.md"), md.toString(), UTF_8);
    System.out.println(md);
    if (args.length > 1) {
      splice(Path.of(args[1]), folder, md.toString());
    }
  }

  static final String BEGIN = "<!-- report:begin (bench/run.sh full writes what follows, up to report:end) -->";
  static final String END = "<!-- report:end -->";

  /** Replaces what stands between the two markers of a Markdown file with this run's report. */
  private static void splice(Path markdown, Path folder, String report) throws java.io.IOException {
    String text = Files.readString(markdown, UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(markdown + " has no " + BEGIN + " … " + END + " section");
    }
    String run = "";
    Path environment = folder.resolve("environment.txt");
    if (Files.exists(environment)) {
      run = "Run of record: `" + String.join("`; `", Files.readAllLines(environment, UTF_8)) + "`.\n\n";
    }
    Files.writeString(markdown, text.substring(0, begin + BEGIN.length()) + "\n\n" + run + report
        + text.substring(end), UTF_8);
  }

  private static void target(StringBuilder md, String target, String measured, boolean met, String gap) {
    md.append("| ").append(target).append(" | ").append(measured).append(" | ")
        .append(met ? "**met**" : "**not met**: " + gap).append(" |\n");
  }

  static Optional<Row> find(List<Row> rows, String workload, String impl, String storeBy, int threads) {
    return find(rows, workload, impl, storeBy, threads, "");
  }

  static Optional<Row> find(List<Row> rows, String workload, String impl, String storeBy, int threads,
      String expiry) {
    return rows.stream().filter(r -> r.workload().equals(workload) && r.impl().equals(impl)
        && r.storeBy().equals(storeBy) && r.threads() == threads && r.expiry().equals(expiry)).findFirst();
  }

  /**
   * TieredGetHit: per expiry policy, our L1-only cache (both store-by settings) and our tiered one at 1
   * and 2 threads, the tiered ÷ L1-only (store-by-value) ratio at each thread count, and 2T ÷ 1T.
   */
  private static void tieredTable(StringBuilder md, List<Row> rows) {
    List<Row> tiered = rows.stream().filter(r -> r.workload().equals(TIERED_GET_HIT)).toList();
    if (tiered.isEmpty()) {
      return;
    }
    md.append("#### ").append(Results.label(TIERED_GET_HIT)).append("\n\n");
    md.append("1,024 keys read uniformly, every measured read an L1 hit (checked with `tierStatistics()`); the "
        + "tiered cache's entries were written by another CacheManager on the same Redis keys and promoted by a "
        + "first read. ÷ L1-only: the tiered score over the L1-only store-by-value score at the same thread "
        + "count; 2T ÷ 1T: that row's 2-thread score over its 1-thread score.\n\n");
    md.append("| expiry | contender | store-by | 1T ops/s | ± | 2T ops/s | ± | ÷ L1-only, 1T | ÷ L1-only, 2T | 2T ÷ 1T |\n");
    md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (String expiry : Results.EXPIRIES) {
      for (String impl : List.of("mtj-l1", "mtj-tiered")) {
        for (String storeBy : List.of("value", "reference")) {
          Optional<Row> one = find(rows, TIERED_GET_HIT, impl, storeBy, 1, expiry);
          Optional<Row> two = find(rows, TIERED_GET_HIT, impl, storeBy, 2, expiry);
          if (one.isEmpty() && two.isEmpty()) {
            continue;
          }
          md.append("| ").append(expiry).append(" | ").append(bold(impl)).append(" | ").append(storeBy).append(" | ")
              .append(one.map(r -> ops(r.score()) + " | " + ops(r.error())).orElse(" | ")).append(" | ")
              .append(two.map(r -> ops(r.score()) + " | " + ops(r.error())).orElse(" | ")).append(" |");
          for (int threads : List.of(1, 2)) {
            Optional<Row> self = (threads == 1) ? one : two;
            Optional<Row> local = find(rows, TIERED_GET_HIT, "mtj-l1", "value", threads, expiry);
            md.append(' ').append(impl.equals("mtj-tiered") && self.isPresent() && local.isPresent()
                ? ratio(self.get().score() / local.get().score()) : "").append(" |");
          }
          md.append(' ').append(one.isPresent() && two.isPresent()
              ? ratio(two.get().score() / one.get().score()) : "").append(" |\n");
        }
      }
    }
    md.append('\n');
  }

  private static String key(String workload, String storeBy, int threads) {
    return workload + "|" + storeBy + "|" + threads;
  }

  static String bold(String impl) {
    return impl.startsWith("mtj-") ? "**" + impl + "**" : impl;
  }

  static String ops(double value) {
    if (value >= 1e6) {
      return String.format(Locale.ROOT, "%.2fM", value / 1e6);
    }
    if (value >= 1e3) {
      return String.format(Locale.ROOT, "%.1fk", value / 1e3);
    }
    return String.format(Locale.ROOT, "%.0f", value);
  }

  static String ratio(double r) {
    return r >= 10 ? String.format(Locale.ROOT, "%.0f×", r) : String.format(Locale.ROOT, "%.2f×", r);
  }
}
