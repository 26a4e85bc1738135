package io.multitier.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The JMH results of one run (every *.json of a folder that JMH wrote), flattened. */
final class Results {

  static final List<String> WORKLOADS = List.of("GetHit.get", "TieredGetHit.get", "Put.put", "ZipfMix.readWrite",
      "GetAll.getAll100", "ReadThrough.get", "Remote.get", "Remote.put", "Remote.getAll100", "Remote.putAll100",
      "Remote.remove", "Remote.invoke");
  static final List<String> CONTENDERS = List.of("mtj-l1", "mtj-tiered", "caffeine-jcache", "ehcache3",
      "redisson-jcache", "raw-caffeine", "raw-redisson");
  /** The expiry policies of TieredGetHit, in report order ("" for the workloads without the parameter). */
  static final List<String> EXPIRIES = List.of("", "eternal", "created", "accessed");

  /**
   * @param hitRatio the share of gets that found a value (ZipfMix), else NaN
   * @param l1HitRatio the share of our tiered cache's gets that L1 answered (ZipfMix), else NaN
   * @param absentShare the share of removes that found no entry (Remote.remove), else NaN
   */
  record Row(String workload, String impl, String storeBy, int threads, double score, double error,
      double hitRatio, String expiry, double l1HitRatio, double absentShare) {

    /** Raw ceilings have no store-by setting: they belong to both groups. */
    boolean storeByIndependent() {
      return impl.startsWith("raw-");
    }
  }

  static String label(String workload) {
    switch (workload) {
      case "GetHit.get": return "L1-hit get";
      case "TieredGetHit.get": return "tiered vs L1-only L1-hit get (TieredGetHit)";
      case "Put.put": return "put";
      case "ZipfMix.readWrite": return "Zipfian 90/10 get/put, 100k keys, bound 10k";
      case "GetAll.getAll100": return "getAll(100), all L1 hits";
      case "Remote.get": return "L2-hit get (L1 of one entry)";
      case "Remote.put": return "put (remote)";
      case "Remote.getAll100": return "L2-hit getAll(100) (L1 of one entry)";
      case "Remote.putAll100": return "putAll(100) (remote)";
      case "Remote.remove": return "remove of a present key (remote)";
      case "Remote.invoke": return "invoke: read and replace one entry (remote)";
      case "ReadThrough.get": return "read-through get (Zipfian, loader)";
      default: return workload;
    }
  }

  /** first / (first + second) of two secondary counters, NaN when absent or both zero. */
  private static double share(JsonNode secondary, String first, String second) {
    if (secondary == null || !secondary.has(first) || !secondary.has(second)) {
      return Double.NaN;
    }
    double a = secondary.get(first).get("score").asDouble();
    double b = secondary.get(second).get("score").asDouble();
    return (a + b == 0) ? Double.NaN : a / (a + b);
  }

  static List<Row> read(Path folder) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<Row> rows = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files = list.filter(p -> p.getFileName().toString().startsWith("jmh-") && p.toString().endsWith(".json"))
          .sorted().toList();
    }
    for (Path file : files) {
      for (JsonNode result : mapper.readTree(file.toFile())) {
        String benchmark = result.get("benchmark").asText();
        String workload = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
        JsonNode params = result.get("params");
        if (params == null || !params.has("impl")) {
          continue; // Codecs: per codec, in nanoseconds, written up by hand in BENCHMARKS.md
        }
        JsonNode primary = result.get("primaryMetric");
        JsonNode secondary = result.get("secondaryMetrics");
        double hitRatio = share(secondary, "hits", "misses");
        double l1HitRatio = share(secondary, "l1Hits", "l1Misses");
        double absentShare = share(secondary, "absent", "removed");
        double error = primary.get("scoreError").asDouble();
        rows.add(new Row(workload, params.get("impl").asText(), params.get("storeBy").asText(),
            result.get("threads").asInt(), primary.get("score").asDouble(), Double.isNaN(error) ? 0 : error,
            hitRatio, params.has("expiry") ? params.get("expiry").asText() : "", l1HitRatio, absentShare));
      }
    }
    rows.sort(Comparator.comparing((Row r) -> WORKLOADS.indexOf(r.workload()))
        .thenComparing(r -> EXPIRIES.indexOf(r.expiry()))
        .thenComparing(r -> r.storeBy().equals("value") ? 0 : 1)
        .thenComparingInt(Row::threads)
        .thenComparing(r -> CONTENDERS.indexOf(r.impl())));
    return rows;
  }
}
