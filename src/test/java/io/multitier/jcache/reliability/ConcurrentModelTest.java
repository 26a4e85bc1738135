package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Several threads run random operation sequences (jqwik generates them) on two tiered
 * CacheManagers with separate Redisson clients over one Redis, for a bounded time per try, and
 * everything is checked against a sequential model:
 *
 * <ul>
 *   <li>each thread owns a few keys and works on them through its home CacheManager with every kind
 *       of operation; each result, and the final state seen from both CacheManagers, must be what a
 *       plain map given the same sequence gives;
 *   <li>every thread also increments shared counters with {@code invoke}, through either
 *       CacheManager: the values the increments return must be exactly 1..N (none lost, none
 *       repeated) and the final counter N in both CacheManagers;
 *   <li>no thread hangs (each must finish within a bound after its deadline), and a separate
 *       example shows CacheManagers leave no thread behind once closed.
 * </ul>
 */
class ConcurrentModelTest {

  private static final int THREADS = 4;
  private static final int OWN_KEYS = 3;
  private static final int COUNTERS = 2;
  private static final Duration RUN_FOR = Duration.ofSeconds(2);
  private static final Duration HANG_BOUND = Duration.ofSeconds(30);
  private static final String CACHES = "caches:\n"
      + "  model:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.Integer\n";
  private static final AtomicInteger tries = new AtomicInteger();

  private static RedisServer server;
  private static ManagerFiles managers;
  private static List<Cache<String, Integer>> caches;

  @BeforeContainer
  static void start() {
    server = RedisServer.start();
    managers = new ManagerFiles();
    caches = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      caches.add(open(managers));
    }
  }

  @AfterContainer
  static void stop() {
    try {
      if (managers != null) {
        managers.close();
      }
    } finally {
      if (server != null) {
        server.stop();
      }
    }
  }

  private static Cache<String, Integer> open(ManagerFiles files) {
    CacheManager manager = files.open(files.single(server.address(), "model:", "timeout: 10000\n") + CACHES);
    return manager.getCache("model", String.class, Integer.class);
  }

  /** One operation: what, on which own key or counter, with which values, through which manager for counters. */
  record Op(Kind kind, int key, int value, int other, int manager) {}

  enum Kind { PUT, GET, REMOVE, GET_AND_PUT, PUT_IF_ABSENT, REPLACE, REPLACE_IF, REMOVE_IF, GET_AND_REMOVE, INVOKE_ADD, CONTAINS, INCREMENT }

  @Provide
  Arbitrary<List<List<Op>>> sequences() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.of(Kind.class), Arbitraries.integers().between(0, OWN_KEYS - 1),
        Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 1)).as(Op::new);
    return op.list().ofMinSize(100).ofMaxSize(400).list().ofSize(THREADS);
  }

  @Property(tries = 8, shrinking = ShrinkingMode.OFF, afterFailure = net.jqwik.api.AfterFailureMode.RANDOM_SEED)
  void concurrentRunsMatchTheSequentialModel(@ForAll("sequences") List<List<Op>> sequences) throws Exception {
    String run = "t" + tries.incrementAndGet() + "-";
    long deadline = System.nanoTime() + RUN_FOR.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> runThread(run, thread, sequences.get(thread), deadline)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> future : futures) {
        try {
          results.add(future.get(RUN_FOR.plus(HANG_BOUND).toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          throw new AssertionError("a thread did not finish: deadlock or hang", e);
        }
      }

      // own keys: the final state from both managers is the model's
      for (Result result : results) {
        for (Map.Entry<String, Integer> key : result.finalState().entrySet()) {
          assertThat(caches.get(result.home()).get(key.getKey())).as(key.getKey()).isEqualTo(key.getValue());
          Cache<String, Integer> other = caches.get(1 - result.home());
          await().atMost(Duration.ofSeconds(5)).untilAsserted(
              () -> assertThat(other.get(key.getKey())).as(key.getKey() + " in the other manager").isEqualTo(key.getValue()));
        }
      }
      // counters: the increments returned exactly 1..N, and both managers read N
      for (int c = 0; c < COUNTERS; c++) {
        int counter = c;
        List<Integer> returned = results.stream().flatMap(r -> r.increments().get(counter).stream()).sorted().toList();
        List<Integer> expected = IntStream.rangeClosed(1, returned.size()).boxed().toList();
        assertThat(returned).as("values returned by the increments of counter " + c).isEqualTo(expected);
        String key = run + "counter-" + c;
        Integer total = returned.isEmpty() ? null : returned.size();
        for (Cache<String, Integer> cache : caches) {
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cache.get(key)).isEqualTo(total));
        }
      }
      int done = results.stream().mapToInt(Result::executed).sum();
      assertThat(done).as("operations executed").isGreaterThan(0);
      System.out.printf("ConcurrentModelTest: %s %d operations checked against the model%n", run, done);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** What one thread saw: its keys' final model state, the values its increments returned, ops run. */
  record Result(int home, Map<String, Integer> finalState, Map<Integer, List<Integer>> increments, int executed) {}

  private static Result runThread(String run, int thread, List<Op> ops, long deadline) {
    int home = thread % 2;
    Cache<String, Integer> cache = caches.get(home);
    Map<String, Integer> model = new HashMap<>();
    Map<Integer, List<Integer>> increments = new HashMap<>();
    for (int c = 0; c < COUNTERS; c++) {
      increments.put(c, new ArrayList<>());
    }
    int executed = 0;
    for (Op op : ops) {
      if (System.nanoTime() > deadline) {
        break;
      }
      String key = run + "own-" + thread + "-" + op.key();
      Integer current = model.get(key);
      String where = "thread " + thread + " op " + executed + " " + op + " on " + key + " (model: " + current + ")";
      switch (op.kind()) {
        case PUT -> {
          cache.put(key, op.value());
          model.put(key, op.value());
        }
        case GET -> check(where, cache.get(key), current);
        case CONTAINS -> check(where, cache.containsKey(key), current != null);
        case REMOVE -> {
          check(where, cache.remove(key), current != null);
          model.remove(key);
        }
        case GET_AND_PUT -> {
          check(where, cache.getAndPut(key, op.value()), current);
          model.put(key, op.value());
        }
        case PUT_IF_ABSENT -> {
          check(where, cache.putIfAbsent(key, op.value()), current == null);
          model.putIfAbsent(key, op.value());
        }
        case REPLACE -> {
          check(where, cache.replace(key, op.value()), current != null);
          model.replace(key, op.value());
        }
        case REPLACE_IF -> {
          check(where, cache.replace(key, op.other(), op.value()), Objects.equals(current, op.other()));
          model.replace(key, op.other(), op.value());
        }
        case REMOVE_IF -> {
          check(where, cache.remove(key, op.value()), Objects.equals(current, op.value()));
          model.remove(key, op.value());
        }
        case GET_AND_REMOVE -> {
          check(where, cache.getAndRemove(key), current);
          model.remove(key);
        }
        case INVOKE_ADD -> {
          Integer after = cache.invoke(key, (entry, args) -> {
            int next = (entry.exists() ? entry.getValue() : 0) + (Integer) args[0];
            entry.setValue(next);
            return next;
          }, op.value());
          int next = ((current == null) ? 0 : current) + op.value();
          check(where, after, next);
          model.put(key, next);
        }
        case INCREMENT -> {
          int counter = op.key() % COUNTERS;
          Integer after = caches.get(op.manager()).invoke(run + "counter-" + counter, (entry, args) -> {
            int next = (entry.exists() ? entry.getValue() : 0) + 1;
            entry.setValue(next);
            return next;
          });
          increments.get(counter).add(after);
        }
        default -> throw new IllegalStateException(op.kind().toString());
      }
      executed++;
    }
    Map<String, Integer> finalState = new HashMap<>();
    for (int k = 0; k < OWN_KEYS; k++) {
      String key = run + "own-" + thread + "-" + k;
      finalState.put(key, model.get(key));
    }
    return new Result(home, finalState, increments, executed);
  }

  private static void check(String where, Object actual, Object expected) {
    if (!Objects.equals(actual, expected)) {
      throw new AssertionError(where + ": returned " + actual + ", the sequential model says " + expected);
    }
  }

  @Example
  void closedManagersLeaveNoThreadBehind() throws Exception {
    Set<String> before = liveThreads();
    try (ManagerFiles files = new ManagerFiles()) {
      Cache<String, Integer> a = open(files);
      Cache<String, Integer> b = open(files);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Cache<String, Integer> cache = (t % 2 == 0) ? a : b;
        work.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            cache.invoke("leak-counter", (entry, args) -> {
              entry.setValue((entry.exists() ? entry.getValue() : 0) + 1);
              return null;
            });
          }
        }));
      }
      for (Future<?> future : work) {
        future.get(HANG_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(a.get("leak-counter")).isEqualTo(THREADS * 200);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Set<String> leaked = new TreeSet<>(liveThreads());
      leaked.removeAll(before);
      leaked.removeIf(name -> name.startsWith("ForkJoinPool.commonPool") || name.startsWith("awaitility"));
      assertThat(leaked).as("threads left by two closed CacheManagers").isEmpty();
    });
  }

  private static Set<String> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(thread -> thread.getName() + "#" + thread.getId()).collect(Collectors.toSet());
  }
}
