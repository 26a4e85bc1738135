package io.multitier.jcache.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.cache.Cache;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.processor.EntryProcessor;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1,000 virtual threads through a cache with a loader and a writer that block as a database call
 * would, tiered over a real redis-server and L1-only: get (L1 hits, L2 hits and read-through loads),
 * put (write-through) and invoke (an increment, written through). JFR records every
 * {@code jdk.VirtualThreadPinned} event (threshold 0) from the CacheManager's opening to the last
 * operation, and none may have a frame of the provider, but for a pin while the JVM links code
 * (loads or initializes a class, resolves a method type or call site: printed, as that pins on every
 * JDK). The same work on a pool of 64 platform
 * threads is timed too; the two throughputs are printed for BENCHMARKS.md, not asserted (the
 * machine's load decides them).
 *
 * <p>Needs JDK 21 or later (it skips itself before): the build runs it on JDK 25 (the pom's jdk25
 * profile). The test sources are compiled for 17, so virtual threads are reached by reflection.
 */
final class VirtualThreadTest {

  private static final int VIRTUAL_THREADS = 1_000;
  private static final int PLATFORM_THREADS = 64;
  /** Rounds of each task, four operations a round. */
  private static final int ROUNDS = 5;
  private static final int OPS_PER_PASS = VIRTUAL_THREADS * ROUNDS * 4;
  private static final int KEYS = 4_000;
  /** Counters that invoke increments: ten tasks share each, so their increments contend. */
  private static final int COUNTERS = 100;
  /** How long the loader's and the writer's database call blocks (0: not at all, for CPU-bound figures). */
  private static final long DATABASE_MILLIS = Long.getLong("virtualThreadTest.databaseMillis", 1);
  private static final int MEASURED_PASSES = 3;
  private static final String PINNED = "jdk.VirtualThreadPinned";
  private static final String OUR_PACKAGE = "io.multitier.jcache.";
  private static final String CACHES = "caches:\n"
      + "  vt:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.Integer\n"
      + "    readThrough: true\n"
      + "    loader: " + DatabaseLoader.class.getName() + "\n"
      + "    writeThrough: true\n"
      + "    writer: " + DatabaseWriter.class.getName() + "\n";

  /** Adds one to a counter that exists. */
  private static final EntryProcessor<String, Integer, Integer> INCREMENT = (entry, arguments) -> {
    int next = entry.getValue() + 1;
    entry.setValue(next);
    return next;
  };

  private static final AtomicLong loads = new AtomicLong();
  private static final AtomicLong writes = new AtomicLong();

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void tieredCache() throws Exception {
    // a thousand callers queue for 64 connections: 5 s for Redis to answer, not the default 1 s,
    // which a 2-core machine running other builds can miss (the test counts pins, not latency)
    measure("tiered", ManagerFiles.sharedClient(redis.server(), "vt:") + "  timeout: 5s\n" + CACHES);
  }

  @Test
  void l1OnlyCache() throws Exception {
    measure("L1-only", CACHES);
  }

  /**
   * Records pinned virtual threads while a CacheManager of this file is opened and its cache is
   * worked on, on virtual threads and on platform threads, then prints the figures and asserts that
   * no pinned virtual thread had a frame of the provider.
   */
  private static void measure(String mode, String yaml) throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21 or later");
    redis.server().call("FLUSHALL");
    loads.set(0);
    writes.set(0);
    Path dump = Files.createTempFile("virtual-threads-", ".jfr");
    ExecutorService virtual = newVirtualThreadPerTaskExecutor();
    ExecutorService platform = Executors.newFixedThreadPool(PLATFORM_THREADS);
    try (ManagerFiles managers = new ManagerFiles(); Recording recording = new Recording()) {
      recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
      recording.start();

      // opened on a virtual thread, as a first user would (the Redis connection included)
      Cache<String, Integer> cache = onOne(virtual, () -> managers.open(yaml).getCache("vt", String.class, Integer.class));
      // platform threads first: the classes and call sites every operation needs are linked before a
      // thousand virtual threads need them at once (a virtual thread waiting while the JVM links
      // code pins on every JDK: that is the JVM's, not the provider's)
      pass(cache, platform, false);
      pass(cache, virtual, true);
      long[] virtualNanos = new long[MEASURED_PASSES];
      long[] platformNanos = new long[MEASURED_PASSES];
      for (int i = 0; i < MEASURED_PASSES; i++) {
        platformNanos[i] = pass(cache, platform, false);
        virtualNanos[i] = pass(cache, virtual, true);
      }

      recording.stop();
      recording.dump(dump);
      List<RecordedEvent> pinned = RecordingFile.readAllEvents(dump);
      List<RecordedEvent> linking = pinned.stream().filter(VirtualThreadTest::linking).collect(Collectors.toList());
      List<RecordedEvent> ours = pinned.stream().filter(event -> !linking(event))
          .filter(VirtualThreadTest::inOurFrames).collect(Collectors.toList());

      System.out.printf("VirtualThreadTest, %s cache, on JDK %s, %d cores: %d operations a pass (get, put,"
              + " invoke, read-through, write-through; loader and writer block %d ms)%n",
          mode, Runtime.version(), Runtime.getRuntime().availableProcessors(), OPS_PER_PASS, DATABASE_MILLIS);
      System.out.printf("  %,d virtual threads: %,.0f ops/s (median of %d passes; each %s ms)%n",
          VIRTUAL_THREADS, opsPerSecond(virtualNanos), MEASURED_PASSES, millis(virtualNanos));
      System.out.printf("  %d platform threads: %,.0f ops/s (median of %d passes; each %s ms)%n",
          PLATFORM_THREADS, opsPerSecond(platformNanos), MEASURED_PASSES, millis(platformNanos));
      System.out.printf("  %s events: %d in all, %d while the JVM linked code (a class, a method type, a call"
              + " site), %d other with a frame of %s; loads %d, writes %d%n",
          PINNED, pinned.size(), linking.size(), ours.size(), OUR_PACKAGE, loads.get(), writes.get());
      summarize(pinned).forEach((frames, count) -> System.out.printf("    %d x %s%n", count, frames));
      if (!pinned.isEmpty()) {
        System.out.println(describe(pinned));
      }

      assertThat(ours).as("pinned virtual threads with a frame of the provider:%n%s", describe(ours)).isEmpty();
    } finally {
      virtual.shutdownNow();
      platform.shutdownNow();
      Files.deleteIfExists(dump);
    }
  }

  /**
   * Runs one pass (every task's rounds) on the executor and returns how long it took; each task's
   * keys come from a seed of its own, so every pass and both executors do the same work.
   */
  private static long pass(Cache<String, Integer> cache, ExecutorService executor, boolean onVirtualThreads)
      throws Exception {
    cache.clear();
    for (int c = 0; c < COUNTERS; c++) {
      cache.put(counter(c), 0);
    }
    List<Callable<Void>> tasks = new ArrayList<>(VIRTUAL_THREADS);
    for (int t = 0; t < VIRTUAL_THREADS; t++) {
      int task = t;
      tasks.add(() -> {
        assertThat(isVirtual(Thread.currentThread())).isEqualTo(onVirtualThreads);
        work(cache, task);
        return null;
      });
    }
    long start = System.nanoTime();
    List<Future<Void>> done = executor.invokeAll(tasks);
    long elapsed = System.nanoTime() - start;
    for (Future<Void> task : done) {
      task.get();
    }
    int increments = 0;
    for (int c = 0; c < COUNTERS; c++) {
      increments += cache.get(counter(c));
    }
    assertThat(increments).as("every invoke counted once").isEqualTo(VIRTUAL_THREADS * ROUNDS);
    return elapsed;
  }

  /** One task: each round a read-through get, a write-through put, an increment and a get of the key put. */
  private static void work(Cache<String, Integer> cache, int task) {
    SplittableRandom random = new SplittableRandom(task);
    for (int round = 0; round < ROUNDS; round++) {
      int read = random.nextInt(KEYS);
      assertThat(cache.get(key(read))).isEqualTo(read);
      int written = random.nextInt(KEYS);
      cache.put(key(written), written);
      cache.invoke(counter(task % COUNTERS), INCREMENT);
      assertThat(cache.get(key(written))).isEqualTo(written);
    }
  }

  private static String key(int n) {
    return "k" + n;
  }

  private static String counter(int n) {
    return "c" + n;
  }

  /**
   * Whether the virtual thread was pinned while the JVM linked code for it: loaded or initialized a
   * class, or resolved a method type, method handle or call site (the class loader and
   * {@code MethodHandleNatives} are called from the JVM's own frames, which a virtual thread cannot
   * leave). That pins on every JDK, once per class or call site, when another thread holds a lock
   * the linking needs, so it says nothing of the provider's locking; such events are printed, not
   * failed.
   */
  private static boolean linking(RecordedEvent event) {
    if (event.hasField("pinnedReason")
        && String.valueOf(event.getString("pinnedReason")).startsWith("Waited for initialization of")) {
      return true;
    }
    RecordedStackTrace stack = event.getStackTrace();
    return stack != null && stack.getFrames().stream().anyMatch(frame -> {
      String method = frame.getMethod().getName();
      String type = className(frame);
      return method.equals("<clinit>") || type.equals("java.lang.invoke.MethodHandleNatives")
          || (method.startsWith("loadClass")
              && (type.equals("java.lang.ClassLoader") || type.startsWith("jdk.internal.loader.")));
    });
  }

  /**
   * Whether the event's stack has a frame of the provider's main classes (this test's own frames are
   * in the provider's package too, but are not the provider's). A stack JFR cut short counts as
   * ours: what was cut cannot be told apart.
   */
  private static boolean inOurFrames(RecordedEvent event) {
    RecordedStackTrace stack = event.getStackTrace();
    if (stack == null || stack.isTruncated()) {
      return true;
    }
    return stack.getFrames().stream().map(VirtualThreadTest::className)
        .anyMatch(name -> name.startsWith(OUR_PACKAGE) && !name.startsWith(VirtualThreadTest.class.getName()));
  }

  private static String className(RecordedFrame frame) {
    return frame.getMethod().getType().getName();
  }

  private static boolean inJdk(String className) {
    return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.");
  }

  /** Counts the pinned events by the reason JFR gives (JDK 24+) and their first frames outside the JDK. */
  private static Map<String, Long> summarize(List<RecordedEvent> events) {
    return events.stream().collect(Collectors.groupingBy(event -> {
      RecordedStackTrace stack = event.getStackTrace();
      if (stack == null) {
        return "(no stack)";
      }
      String reason = event.hasField("pinnedReason") ? event.getString("pinnedReason") + ": " : "";
      return reason + stack.getFrames().stream().filter(frame -> !inJdk(className(frame)))
          .limit(3).map(VirtualThreadTest::frame).collect(Collectors.joining(" < "));
    }, TreeMap::new, Collectors.counting()));
  }

  private static String describe(List<RecordedEvent> events) {
    return events.stream().limit(5).map(event -> {
      RecordedStackTrace stack = event.getStackTrace();
      return (stack == null) ? "(no stack)" : stack.getFrames().stream().map(VirtualThreadTest::frame)
          .collect(Collectors.joining("\n    at ", "  " + event.getDuration() + " pinned"
              + (event.hasField("pinnedReason") ? " (" + event.getString("pinnedReason") + ")" : "") + "\n    at ", ""))
          + (stack.isTruncated() ? "\n    ... (cut short: raise -XX:FlightRecorderOptions:stackdepth)" : "");
    }).collect(Collectors.joining("\n"));
  }

  private static String frame(RecordedFrame frame) {
    return className(frame) + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
  }

  private static double opsPerSecond(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return OPS_PER_PASS / (sorted[sorted.length / 2] / 1e9);
  }

  private static String millis(long[] nanos) {
    return Arrays.stream(nanos).mapToObj(n -> Long.toString(TimeUnit.NANOSECONDS.toMillis(n)))
        .collect(Collectors.joining(", "));
  }

  private static <T> T onOne(ExecutorService executor, Supplier<T> work) throws Exception {
    return executor.submit(work::get).get();
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, which the test sources (release 17) cannot name. */
  private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
    return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void database() {
    if (DATABASE_MILLIS == 0) {
      return;
    }
    try {
      Thread.sleep(DATABASE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A system of record whose reads block for a moment: {@code kN} holds N. */
  public static final class DatabaseLoader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      loads.incrementAndGet();
      database();
      return Integer.parseInt(key.substring(1));
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      Map<String, Integer> loaded = new TreeMap<>();
      for (String key : keys) {
        loaded.put(key, load(key));
      }
      return loaded;
    }
  }

  /** A system of record whose writes block for a moment. */
  public static final class DatabaseWriter implements CacheWriter<String, Integer> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
      writes.incrementAndGet();
      database();
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
      for (var it = entries.iterator(); it.hasNext(); ) {
        write(it.next());
        it.remove();
      }
    }

    @Override
    public void delete(Object key) {
      writes.incrementAndGet();
      database();
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      for (var it = keys.iterator(); it.hasNext(); ) {
        delete(it.next());
        it.remove();
      }
    }
  }
}
