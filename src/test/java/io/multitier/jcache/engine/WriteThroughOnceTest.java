package io.multitier.jcache.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.RedisServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A write-through cache shared by two JVMs (this one and an {@link EngineNode} child), four
 * threads each, contending on four keys: the {@link RecordingWriter}, which runs in both JVMs and
 * records what it is told in one Redis list per key, is told each value the cache stores exactly
 * once, in the order the cache stored them, and never a value the cache then refused; an attempt
 * that lost a race across JVMs tells the writer nothing.
 */
final class WriteThroughOnceTest {

  private static final int THREADS = 4;
  private static final int KEYS = 4;
  private static final int PER_THREAD = 250;
  private static final Duration CHILD_RUN = Duration.ofMinutes(2);
  private static final String CACHES = "caches:\n"
      + "  counters:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.Integer\n"
      + "    writeThrough: true\n"
      + "    writer: " + RecordingWriter.class.getName() + "\n"
      + "  versions:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.Integer\n"
      + "    writeThrough: true\n"
      + "    writer: " + RecordingWriter.class.getName() + "\n";

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private static TwoNodes nodes;
  private static ChildJvm child;
  private static CacheManager manager;

  @BeforeAll
  static void start() {
    nodes = TwoNodes.start(redis.server(), "once:", CACHES);
    manager = nodes.manager();
    child = nodes.child();
  }

  @AfterAll
  static void stop() {
    nodes.close();
  }

  @BeforeEach
  void empty() {
    redis.server().call("FLUSHALL");
  }

  @Test
  void contendedInvokeIncrementsTellTheWriterEachValueOnceInOrder() {
    Cache<String, Integer> counters = manager.getCache("counters", String.class, Integer.class);

    CompletableFuture<String> there = CompletableFuture.supplyAsync(() -> child.send(
        "increments counters " + THREADS + " " + PER_THREAD + " " + KEYS + " barrier:invoke", CHILD_RUN));
    Workloads.increments(counters, THREADS, PER_THREAD, KEYS, "barrier:invoke");
    assertThat(there.join()).isEqualTo("ok");

    Map<String, Integer> finals = new TreeMap<>();
    for (int k = 0; k < KEYS; k++) {
      finals.put(Workloads.key(k), counters.invoke(Workloads.key(k), (entry, arguments) -> entry.getValue()));
    }
    assertThat(finals.values().stream().mapToInt(Integer::intValue).sum())
        .as("increments the cache holds, per key %s", finals)
        .isEqualTo(Workloads.JVMS * THREADS * PER_THREAD);
    assertWriterToldEachStoredValueOnce(finals);
  }

  @Test
  void contendedReplacesTellTheWriterExactlyTheValuesTheCacheAccepted() {
    Cache<String, Integer> versions = manager.getCache("versions", String.class, Integer.class);
    for (int k = 0; k < KEYS; k++) {
      versions.put(Workloads.key(k), 0);
      assertThat(redis.server().call("LRANGE", RecordingWriter.list(Workloads.key(k)), "0", "-1"))
          .as("the writer records the first put").isEqualTo(List.of("0"));
      redis.server().call("DEL", RecordingWriter.list(Workloads.key(k)));
    }

    CompletableFuture<String> there = CompletableFuture.supplyAsync(() -> child.send(
        "replaces versions " + THREADS + " " + PER_THREAD + " " + KEYS + " barrier:replace", CHILD_RUN));
    Map<String, Long> accepted = new TreeMap<>(Workloads.replaces(versions, THREADS, PER_THREAD, KEYS, "barrier:replace"));
    Workloads.parseCounts(there.join()).forEach((key, count) -> accepted.merge(key, count, Long::sum));

    Map<String, Integer> finals = new TreeMap<>();
    for (int k = 0; k < KEYS; k++) {
      finals.put(Workloads.key(k), versions.invoke(Workloads.key(k), (entry, arguments) -> entry.getValue()));
    }
    assertThat(finals.values().stream().mapToInt(Integer::intValue).sum())
        .as("some replaces won (per key %s)", finals).isGreaterThan(0);
    Map<String, Long> finalsAsLong = new TreeMap<>();
    finals.forEach((key, value) -> finalsAsLong.put(key, value.longValue()));
    assertThat(accepted).as("replaces that returned true, per key: each added one to the value")
        .isEqualTo(finalsAsLong);
    assertWriterToldEachStoredValueOnce(finals);
  }

  /**
   * Asserts that, for each key, the writer was told 1, 2, ..., final value: each value the cache
   * stored once, in order, and nothing else.
   */
  private static void assertWriterToldEachStoredValueOnce(Map<String, Integer> finals) {
    Map<String, List<Integer>> told = new TreeMap<>();
    for (String key : finals.keySet()) {
      @SuppressWarnings("unchecked")
      List<String> writes = (List<String>) redis.server().call("LRANGE", RecordingWriter.list(key), "0", "-1");
      told.put(key, writes.stream().map(Integer::valueOf).collect(Collectors.toList()));
    }
    Map<String, String> summary = new TreeMap<>();
    Map<String, String> expected = new TreeMap<>();
    for (Map.Entry<String, Integer> entry : finals.entrySet()) {
      List<Integer> writes = told.get(entry.getKey());
      Map<Integer, Integer> times = new HashMap<>();
      writes.forEach(value -> times.merge(value, 1, Integer::sum));
      Set<Integer> twice = new LinkedHashSet<>();
      times.forEach((value, count) -> {
        if (count > 1) {
          twice.add(value);
        }
      });
      long stored = entry.getValue();
      long neverStored = writes.stream().filter(value -> value < 1 || value > stored).count();
      summary.put(entry.getKey(), String.format("%d writes for %d stored values, %d values told more than once,"
          + " %d never stored", writes.size(), stored, twice.size(), neverStored));
      expected.put(entry.getKey(), String.format("%d writes for %d stored values, 0 values told more than once,"
          + " 0 never stored", stored, stored));
    }
    int totalWrites = told.values().stream().mapToInt(List::size).sum();
    int totalStored = finals.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(summary).as("what the writer was told, per key (%d writes in all for %d stored values)",
        totalWrites, totalStored).isEqualTo(expected);
    for (Map.Entry<String, Integer> entry : finals.entrySet()) {
      List<Integer> inOrder = IntStream.rangeClosed(1, entry.getValue()).boxed().collect(Collectors.toList());
      assertThat(new ArrayList<>(told.get(entry.getKey())))
          .as("the writes of %s, in the order the writer was told them", entry.getKey())
          .isEqualTo(inOrder);
    }
  }
}
