package io.multitier.jcache.coherence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.NetworkPartition;
import io.multitier.jcache.testing.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node cut off from Redis by a network partition: the reader, a {@link CoherenceNode} in a JVM of
 * its own and in a network namespace of its own ({@link NetworkPartition}), with the provider's
 * default settings ({@code reconcileInterval} 5 s), holds L1 copies of a {@code FAIL_FAST} and a
 * {@code SERVE_LOCAL} cache; every packet between it and Redis is then dropped (no reset) while
 * this JVM writes new values. Within the staleness bound, {@code reconcileInterval} + 1 s after the
 * write, the reader no longer serves its {@code FAIL_FAST} copy (its reads fail, as documented),
 * while it serves its {@code SERVE_LOCAL} copy counted in {@code l1.unvouched}; within 10 s of the
 * partition healing, both read the new value. Before the bound existed, the reader served its old
 * copies until the partition healed, and would have for {@code l1MaxTtl} (10 minutes).
 */
final class PartitionTest {

  /** The default {@code reconcileInterval}, 5 s, and the 1 s an answer may take. */
  private static final Duration BOUND = Duration.ofSeconds(6);
  /** For the check that runs when the bound is out to run on a machine short of CPU. */
  private static final Duration SLACK = Duration.ofSeconds(1);
  private static final Duration PARTITION = Duration.ofSeconds(10);
  private static final Duration HEALS_WITHIN = Duration.ofSeconds(10);
  private static final String CACHES = "caches:\n"
      + "  strict:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "  lenient:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n"
      + "    degradation: SERVE_LOCAL\n";

  private static NetworkPartition partition;
  private static RedisServer server;
  private static ManagerFiles managers;
  private static ChildJvm reader;
  private static Cache<String, String> strict;
  private static Cache<String, String> lenient;

  /** Why this machine cannot cut a process off the network, or {@code null}. */
  private static String cannotPartition;

  @BeforeAll
  static void start() {
    try {
      partition = NetworkPartition.create();
    } catch (IllegalStateException e) {
      // skipped in the test, so that the report counts it as skipped
      cannotPartition = "this machine cannot cut a process off the network (root, iproute2 and iptables needed): "
          + e.getMessage();
      return;
    }
    server = RedisServer.start(List.of("--bind", "127.0.0.1", partition.hostAddress(), "--protected-mode", "no"));
    managers = new ManagerFiles();
    // the writer is not cut off: a longer timeout keeps a machine short of CPU from failing its writes
    CacheManager writer = managers.open(ManagerFiles.sharedClient(server, "partition:") + "  timeout: 2s\n" + CACHES);
    strict = writer.getCache("strict", String.class, String.class);
    lenient = writer.getCache("lenient", String.class, String.class);
    Path file = managers.write("reader.yaml", "redis:\n"
        + "  address: redis://" + partition.hostAddress() + ":" + server.port() + "\n"
        + "  keyPrefix: \"partition:\"\n"
        + CACHES);
    reader = ChildJvm.startThrough(partition.launcher(), CoherenceNode.class, file.toUri().toString());
  }

  @AfterAll
  static void stop() {
    try {
      if (reader != null) {
        reader.close();
      }
      if (managers != null) {
        managers.close();
      }
      if (server != null) {
        server.close();
      }
    } finally {
      if (partition != null) {
        partition.close();
      }
    }
  }

  @Test
  void aNodeCutOffStopsServingItsCopiesWithinTheBoundAndReadsTheNewValuesOnceHealed() {
    assumeTrue(cannotPartition == null, cannotPartition);
    strict.put("k", "old");
    lenient.put("k", "old");
    // the reader's first reads may time out on a machine short of CPU (its default timeout is 300 ms)
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      Nodes.awaitCopy(reader, "0/strict", "k", "old");
      Nodes.awaitCopy(reader, "0/lenient", "k", "old");
    });
    long sampling = Duration.ofMillis(500).plus(PARTITION).plus(HEALS_WITHIN).plusSeconds(1).toMillis();
    reader.send("sample 0/strict k " + sampling);
    reader.send("sample 0/lenient k " + sampling);
    LockSupport.parkNanos(Duration.ofMillis(500).toNanos());

    long healed;
    long written;
    long cut = System.nanoTime();
    partition.cut();
    try {
      strict.put("k", "new");
      lenient.put("k", "new");
      written = System.nanoTime();
      LockSupport.parkNanos(PARTITION.toNanos());
    } finally {
      partition.heal();
      healed = System.nanoTime();
    }
    List<Run> strictRuns = Run.parse(reader.send("sampled 0/strict k", Duration.ofSeconds(60)));
    List<Run> lenientRuns = Run.parse(reader.send("sampled 0/lenient k", Duration.ofSeconds(60)));
    System.out.printf("Partition from %d ms to %d ms after the write%n  FAIL_FAST reader: %s%n  SERVE_LOCAL reader: %s%n",
        millis(cut - written), millis(healed - written), Run.brief(strictRuns, written), Run.brief(lenientRuns, written));

    // FAIL_FAST: the old copy is not served past the bound; reads fail instead until the partition heals
    assertThat(Duration.ofNanos(Run.last(strictRuns, "value old") - written))
        .as("the old value read after the write, FAIL_FAST").isLessThanOrEqualTo(BOUND.plus(SLACK));
    assertThat(strictRuns).as("reads failed after the bound while cut off")
        .anyMatch(run -> run.outcome.equals("failed") && run.last > written + BOUND.toNanos() && run.first < healed);
    assertNewWithinTenSeconds(strictRuns, healed);

    // SERVE_LOCAL: served meanwhile, counted as possibly stale
    assertNewWithinTenSeconds(lenientRuns, healed);
    assertThat(lenientRuns).as("SERVE_LOCAL reads never fail").noneMatch(run -> run.outcome.equals("failed"));
    assertThat(Long.parseLong(reader.send("stat 0/lenient l1.unvouched"))).as("l1.unvouched").isPositive();
    assertThat(Long.parseLong(reader.send("stat 0/strict l1.unvouched"))).as("l1.unvouched, FAIL_FAST").isZero();
  }

  private static void assertNewWithinTenSeconds(List<Run> runs, long healed) {
    assertThat(runs.get(runs.size() - 1).outcome).as("the last reads").isEqualTo("value new");
    Run latest = runs.get(runs.size() - 1);
    assertThat(Duration.ofNanos(Math.max(0, latest.first - healed))).as("new value read after the partition healed")
        .isLessThanOrEqualTo(HEALS_WITHIN);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** Reads with one outcome, from the first to the last ({@code System.nanoTime()}, the same clock in every JVM of the machine). */
  private static final class Run {
    final long first;
    final long last;
    final String outcome;

    private Run(long first, long last, String outcome) {
      this.first = first;
      this.last = last;
      this.outcome = outcome;
    }

    static List<Run> parse(String reply) {
      List<Run> runs = new ArrayList<>();
      for (String run : reply.split("\\|")) {
        String[] parts = run.split(",", 3);
        runs.add(new Run(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]));
      }
      return runs;
    }

    /** Returns when a read last had the outcome, or {@link Long#MIN_VALUE}. */
    static long last(List<Run> runs, String outcome) {
      return runs.stream().filter(run -> run.outcome.equals(outcome)).mapToLong(run -> run.last).max().orElse(Long.MIN_VALUE / 2);
    }

    static String brief(List<Run> runs, long origin) {
      return runs.stream().map(run -> run.outcome + " " + millis(run.first - origin) + ".." + millis(run.last - origin) + " ms")
          .collect(Collectors.joining(", "));
    }
  }
}
