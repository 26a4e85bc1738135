package io.multitier.bench;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.tier.TierStatistics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToLongFunction;

/**
 * One JVM of the {@link ScaleModel}: {@code -Dscale.managers} CacheManagers (default 1; more than
 * one: each with a Redisson client of its own, a simulated node each) over the shared redis-server
 * and the one cache every node has, each L1 holding all {@link ScaleModel#KEYS} keys, or, given the
 * number of JVMs, only its simulated node's share of them (the keys whose index is the node's
 * number modulo the number of simulated nodes). With {@code -Dscale.sweepMillis} above 0 a reader
 * thread reads each node's keys again, every key once per that many milliseconds, all the time: a
 * copy dropped by a notice is read again from Redis, so that the node holds it again.
 *
 * <p>On {@code go <idle ms> <write ms> <writes/s> [<writing nodes>]} (stdin) it measures an idle
 * window, then a window in which its first {@code <writing nodes>} CacheManagers (default 1) each
 * write at that rate (0: not at all) on uniformly chosen keys, says {@code @written <n>}, goes on
 * counting until the coordinator says {@code stop} (every node has written, and the notices in
 * flight have arrived), and answers one line, {@code @result {json}}: for each window the process
 * CPU time ({@code OperatingSystemMXBean}), the invalidation notices its CacheManagers received and
 * the reads that went to Redis (their tier statistics), plus the writes it made and, over the write
 * window, the CPU time of the writing thread, of the other Java threads (Redisson's, which receive
 * the notices, and the reader's; {@code ThreadMXBean}) and the time spent in GC. On {@code read} it
 * reads its nodes' keys once more and says {@code @ready}. Usage:
 * {@code ScaleNode <redis address> <JVM index> [<JVM count, 0: every node reads every key>]}; lines to the coordinator start with {@code @}.
 */
public final class ScaleNode {

  /** Gets made by the reader thread (L1 hits and reads from Redis). */
  private static final LongAdder rereads = new LongAdder();
  /** Calls to Redis that failed (timed out) and were made again. */
  private static final LongAdder failures = new LongAdder();
  private static volatile boolean closing;

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

  /** One simulated node: a CacheManager, its cache, its tier statistics and the keys it reads. */
  private record Member(Contenders.JCacheContender cache, TierStatistics tiers, String[] share) {

    /** Reads every key of the share; throws if one is missing. */
    void readShare() {
      for (String key : share) {
        if (patiently(() -> cache.get(key)) == null) {
          throw new IllegalStateException("a node found no " + key);
        }
      }
    }
  }

  /**
   * Calls Redis, up to five times while it times out: eight JVMs starting at once on two shared
   * cores can keep a node's event loop from sending a command in time. Counts the failures.
   */
  private static <T> T patiently(java.util.function.Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (javax.cache.CacheException e) {
        failures.increment();
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static long sum(List<Member> members, ToLongFunction<TierStatistics> count) {
    long sum = 0;
    for (Member member : members) {
      sum += count.applyAsLong(member.tiers());
    }
    return sum;
  }

  /** Reads that went to Redis: L2 hits and misses. */
  private static long l2Reads(TierStatistics tiers) {
    return tiers.l2Hits() + tiers.misses();
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("bench.redis", args[0]);
    int index = Integer.parseInt(args[1]);
    int managers = Integer.getInteger("scale.managers", 1);
    // with a JVM count above 0, each simulated node reads only its own share of the keys, else all of them
    int jvms = (args.length > 2) ? Integer.parseInt(args[2]) : 0;
    int shares = (jvms > 0) ? jvms * managers : 1;
    long sweepMillis = Long.getLong("scale.sweepMillis", 0);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    String[] keys = Data.keys(ScaleModel.KEYS);
    byte[] value = Data.value(index);
    List<Member> members = new ArrayList<>();
    try {
      for (int m = 0; m < managers; m++) {
        Contenders.JCacheContender cache = (managers == 1) ? ScaleModel.cache() : ScaleModel.cacheWithOwnClient();
        List<String> share = new ArrayList<>();
        for (int k = (index * managers + m) % shares; k < keys.length; k += shares) {
          share.add(keys[k]);
        }
        Member member = new Member(cache, cache.cache().unwrap(TieredCache.class).tierStatistics(),
            share.toArray(String[]::new));
        members.add(member);
        member.readShare();
      }
      if (sweepMillis > 0) {
        Thread reader = new Thread(() -> reread(members, sweepMillis), "scale-reader");
        reader.setDaemon(true);
        reader.start();
      }
      System.out.println("@ready");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      // one sequence for all rounds: a round that started it anew would rewrite the keys the round
      // before wrote, which (under tracking) no node holds any more
      SplittableRandom random = new SplittableRandom(index);
      for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
        if (line.equals("read")) {
          members.forEach(Member::readShare);
          System.out.println("@ready");
          continue;
        }
        String[] go = line.split(" ");
        long idleMillis = Long.parseLong(go[1]);
        long writeMillis = Long.parseLong(go[2]);
        double rate = Double.parseDouble(go[3]);
        int writers = (go.length > 4) ? Integer.parseInt(go[4]) : 1;

        long cpu0 = os.getProcessCpuTime();
        long notices0 = sum(members, TierStatistics::invalidationsReceived);
        long reads0 = sum(members, ScaleNode::l2Reads);
        long rereads0 = rereads.sum();
        long main0 = threads.getCurrentThreadCpuTime();
        long java0 = javaThreadsCpu(threads);
        Thread.sleep(idleMillis);
        long cpu1 = os.getProcessCpuTime();
        long notices1 = sum(members, TierStatistics::invalidationsReceived);
        long reads1 = sum(members, ScaleNode::l2Reads);
        long rereads1 = rereads.sum();
        long main1 = threads.getCurrentThreadCpuTime();
        long java1 = javaThreadsCpu(threads);
        long gc1 = gcMillis();
        long idleOthers = java1 - java0 - (main1 - main0);

        long writes = 0;
        long start = System.nanoTime();
        long end = start + writeMillis * 1_000_000;
        if (rate > 0 && writers > 0) {
          // the writing nodes take turns, each at the rate
          long interval = (long) (1e9 / rate / writers);
          for (long next = start; next < end; next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            Contenders.JCacheContender writer = members.get((int) (writes % writers)).cache();
            String key = keys[random.nextInt(keys.length)];
            patiently(() -> {
              writer.put(key, value);
              return null;
            });
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
        long notices2 = sum(members, TierStatistics::invalidationsReceived);
        long reads2 = sum(members, ScaleNode::l2Reads);
        long rereads2 = rereads.sum();
        long main = threads.getCurrentThreadCpuTime() - main1;
        long others = javaThreadsCpu(threads) - java1 - main;
        System.out.println(String.format(Locale.ROOT,
            "@result {\"node\": %d, \"managers\": %d, \"idleMillis\": %d, \"idleCpuNanos\": %d,"
                + " \"idleOtherJavaThreadsCpuNanos\": %d, \"idleNotices\": %d, \"idleL2Reads\": %d, \"idleRereads\": %d,"
                + " \"writeMillis\": %d, \"settleMillis\": %d, \"writes\": %d, \"writeCpuNanos\": %d, \"notices\": %d, \"l2Reads\": %d, \"rereads\": %d,"
                + " \"writerThreadCpuNanos\": %d, \"otherJavaThreadsCpuNanos\": %d, \"gcMillis\": %d, \"l1Flushes\": %d,"
                + " \"failures\": %d}",
            index, managers, idleMillis, cpu1 - cpu0, idleOthers, notices1 - notices0, reads1 - reads0,
            rereads1 - rereads0, elapsed, settle, writes, cpu2 - cpu1, notices2 - notices1, reads2 - reads1,
            rereads2 - rereads1, main, others, gcMillis() - gc1,
            sum(members, TierStatistics::l1Flushes), failures.sum()));
      }
    } finally {
      closing = true;
      for (Member member : members) {
        member.cache().close();
      }
    }
  }

  /** Reads every node's share again and again, each sweep spread over {@code sweepMillis}. */
  private static void reread(List<Member> members, long sweepMillis) {
    int total = 0;
    for (Member member : members) {
      total += member.share().length;
    }
    long interval = sweepMillis * 1_000_000 / Math.max(1, total);
    long next = System.nanoTime();
    while (!closing) {
      for (Member member : members) {
        for (String key : member.share()) {
          long now = System.nanoTime();
          // behind by more than a sweep (a loaded machine): go on from now rather than catch up at once
          next = Math.max(next + interval, now - sweepMillis * 1_000_000);
          long wait = next - now;
          if (wait > 100_000) {
            LockSupport.parkNanos(wait);
          }
          try {
            member.cache().get(key);
          } catch (RuntimeException e) {
            if (closing) {
              return;
            }
            failures.increment();
          }
          rereads.increment();
        }
      }
    }
  }
}
