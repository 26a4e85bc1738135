package io.multitier.bench;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One node of the {@link ScaleModel}: a JVM with one CacheManager over the shared redis-server and
 * the one cache every node has, its L1 holding all {@value ScaleModel#KEYS} keys, or, given the
 * number of nodes, only its own share of them (the keys whose index is its own modulo that number). On
 * {@code go <idle ms> <write ms> <writes/s>} (stdin) it measures an idle window, then a window in
 * which it writes at that rate (0: not at all) on uniformly chosen keys, says {@code @written <n>},
 * goes on counting until the coordinator says {@code stop} (every node has written, and the notices
 * in flight have arrived), and answers one line, {@code @result {json}}: for each window the process CPU time ({@code OperatingSystemMXBean}) and
 * the invalidation notices it received (its tier statistics), plus the writes it made and, over the
 * write window, the CPU time of the writing thread, of the other Java threads (Redisson's, which
 * receive the notices; {@code ThreadMXBean}) and the time spent in GC.
 * Usage: {@code ScaleNode <redis address> <node index> [<node count>]}; lines to the coordinator start with {@code @}.
 */
public final class ScaleNode {

  private ScaleNode() {}

  /** CPU time of every live Java thread (the JIT compiler and GC threads are not among them). */
  private static long javaThreadsCpu(ThreadMXBean threads) {
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      sum += Math.max(0, threads.getThreadCpuTime(id));
    }
    return sum;
  }

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("bench.redis", args[0]);
    int index = Integer.parseInt(args[1]);
    // with a node count, the node reads only its own share of the keys (index mod count), else all
    int count = (args.length > 2) ? Integer.parseInt(args[2]) : 1;
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String[] keys = Data.keys(ScaleModel.KEYS);
    byte[] value = Data.value(index);
    try (Contenders.JCacheContender cache = ScaleModel.cache()) {
      TierStatistics tiers = cache.cache().unwrap(TieredCache.class).tierStatistics();
      for (int k = index % count; k < keys.length; k += count) {
        if (cache.get(keys[k]) == null) {
          throw new IllegalStateException("node " + index + " found no " + keys[k]);
        }
      }
      System.out.println("@ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      // one sequence for all rounds: a round that started it anew would rewrite the keys the round
      // before wrote, which (under tracking) no node holds any more
      SplittableRandom random = new SplittableRandom(index);
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        String[] go = line.split(" ");
        long idleMillis = Long.parseLong(go[1]);
        long writeMillis = Long.parseLong(go[2]);
        double rate = Double.parseDouble(go[3]);

        long cpu0 = os.getProcessCpuTime();
        long notices0 = tiers.invalidationsReceived();
        long main0 = threads.getCurrentThreadCpuTime();
        long java0 = javaThreadsCpu(threads);
        Thread.sleep(idleMillis);
        long cpu1 = os.getProcessCpuTime();
        long notices1 = tiers.invalidationsReceived();
        long main1 = threads.getCurrentThreadCpuTime();
        long java1 = javaThreadsCpu(threads);
        long gc1 = gcMillis();
        long idleOthers = java1 - java0 - (main1 - main0);

        long writes = 0;
        long start = System.nanoTime();
        long end = start + writeMillis * 1_000_000;
        if (rate > 0) {
          long interval = (long) (1e9 / rate);
          for (long next = start; next < end; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            cache.put(keys[random.nextInt(keys.length)], value);
            writes++;
          }
        } else {
          Thread.sleep(writeMillis);
        }
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        System.out.println("@written " + writes);
        if (!"stop".equals(in.readLine())) {
          throw new IllegalStateException("expected stop");
        }
        long settle = (System.nanoTime() - start) / 1_000_000 - elapsed;
        long cpu2 = os.getProcessCpuTime();
        long notices2 = tiers.invalidationsReceived();
        long main = threads.getCurrentThreadCpuTime() - main1;
        long others = javaThreadsCpu(threads) - java1 - main;
        System.out.println(String.format(Locale.ROOT,
            "@result {\"node\": %d, \"idleMillis\": %d, \"idleCpuNanos\": %d, \"idleOtherJavaThreadsCpuNanos\": %d,"
                + " \"idleNotices\": %d, \"writeMillis\": %d,"
                + " \"settleMillis\": %d, \"writes\": %d, \"writeCpuNanos\": %d, \"notices\": %d,"
                + " \"writerThreadCpuNanos\": %d, \"otherJavaThreadsCpuNanos\": %d, \"gcMillis\": %d, \"l1Flushes\": %d}",
            index, idleMillis, cpu1 - cpu0, idleOthers, notices1 - notices0, elapsed, settle, writes, cpu2 - cpu1,
            notices2 - notices1, main, others, gcMillis() - gc1, tiers.l1Flushes()));
      }
    }
  }
}
