package io.multitier.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * CPU per operation of each remote path, the numbers that do not jitter when JMH's error is as
 * wide as the score (issue 21, item 4): for each contender, after three warm-up passes of every
 * path, each path runs a fixed number of operations at 1 and at 16 calling threads ({@code -Dcpu.threads}), three times
 * (the median is reported), and what this JVM's
 * process used ({@code getProcessCpuTime}: the caller, the client's threads, GC and JIT) and what
 * redis-server used ({@code INFO cpu}: {@code used_cpu_user + used_cpu_sys}) over them are divided
 * by their number. The contenders and paths are {@link RoundTrips}': our tiered cache with an L1 of
 * one entry (every read an L2 hit), Redisson's JCache, raw Redisson. Other processes' load moves
 * the wall time, not these counts. Usage: {@code CpuPerOp <output.json>} with
 * {@code -Dbench.redis=redis://127.0.0.1:PORT}; {@code -Dcpu.ops=10000} single-key operations a
 * measurement (bulk paths a tenth).
 */
public final class CpuPerOp {

  private static final int KEYS = 4_096;
  private static final int SETS = 100;
  /** The calling threads, {@code -Dcpu.threads=1,16} by default. */
  private static final List<Integer> THREADS = java.util.Arrays.stream(System.getProperty("cpu.threads", "1,16")
      .split(",")).map(String::trim).map(Integer::valueOf).toList();
  private static final int WARM_UP_PASSES = 3;
  private static final int MEASURED_PASSES = 3;

  private CpuPerOp() {}

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    int single = Integer.getInteger("cpu.ops", 10_000);
    String[] keys = Data.keys(KEYS);
    @SuppressWarnings("unchecked")
    Set<String>[] sets = Data.keySets(keys, SETS, 100, 3);
    List<Map<String, byte[]>> batches = RoundTrips.batches(sets);
    byte[] value = Data.value(1);
    com.sun.management.OperatingSystemMXBean process =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<String> lines = new ArrayList<>();
    for (String impl : List.of("mtj-tiered", "redisson-jcache", "raw-redisson")) {
      try (Contender cache = Contenders.create(impl, true, 1, false)) {
        Map<String, IntConsumer> operations = RoundTrips.operations(impl, cache, keys, sets, batches, value);
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        for (int pass = 0; pass < WARM_UP_PASSES + MEASURED_PASSES; pass++) {
          for (int threads : THREADS) {
            for (Map.Entry<String, IntConsumer> operation : operations.entrySet()) {
              int n = operation.getKey().contains("100") ? single / 10
                  : operation.getKey().equals("remove") ? KEYS : single;
              cache.fill(Data.entries(keys));
              long clientBefore = process.getProcessCpuTime();
              double redisBefore = Redis.cpuSeconds();
              long wallBefore = System.nanoTime();
              RoundTrips.run(operation.getValue(), threads, n);
              long wall = System.nanoTime() - wallBefore;
              double redisMicros = (Redis.cpuSeconds() - redisBefore) * 1e6 / n;
              double clientMicros = (process.getProcessCpuTime() - clientBefore) / 1e3 / n;
              if (pass >= WARM_UP_PASSES) {
                runs.computeIfAbsent(operation.getKey() + "\t" + threads + "\t" + n, k -> new ArrayList<>())
                    .add(new double[] {clientMicros, redisMicros, n / (wall / 1e9)});
              }
            }
          }
        }
        runs.forEach((run, measurements) -> {
          String[] parts = run.split("\t");
          String line = String.format(Locale.ROOT, "  {\"contender\": \"%s\", \"operation\": \"%s\", \"threads\": %s,"
              + " \"operations\": %s, \"passes\": %d, \"clientCpuMicrosPerOp\": %.1f, \"redisCpuMicrosPerOp\": %.1f,"
              + " \"opsPerSecond\": %.0f}", impl, parts[0], parts[1], parts[2], measurements.size(),
              median(measurements, 0), median(measurements, 1), median(measurements, 2));
          System.out.println(line);
          lines.add(line);
        });
      }
    }
    Files.createDirectories(output.toAbsolutePath().getParent());
    Files.writeString(output, "[\n" + String.join(",\n", lines) + "\n]\n", UTF_8);
  }

  /** Returns the median of column {@code column} of the measurements. */
  private static double median(List<double[]> measurements, int column) {
    double[] values = measurements.stream().mapToDouble(m -> m[column]).sorted().toArray();
    return values[values.length / 2];
  }
}
