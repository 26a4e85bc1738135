package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript.Mode;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares, every interval, the change count that Redis keeps for each subscribed cache of one
 * CacheManager with the notices the cache heard, in one pipelined batch (one round trip per Redis
 * master); a count still unheard {@link #GRACE} after the answer means a lost notice, and the
 * cache drops its copies. Runs on one daemon thread shared by every CacheManager, which also
 * looks again at holes in the numbers a cache heard.
 */
final class Reconciler implements AutoCloseable {

  /**
   * How long a notice may take to arrive after Redis reported its number: well above the p99 of
   * delivery (9-29 ms measured), so that a node short of CPU (8 JVMs on 2 cores in the scale model)
   * does not take a late notice for a lost one and drop its copies for nothing.
   */
  static final Duration GRACE = Duration.ofSeconds(1);

  private static final Logger logger = LoggerFactory.getLogger(Reconciler.class);
  private static final ScheduledExecutorService SCHEDULER = scheduler();

  private final RedissonClient client;
  private final Set<RedisBackend> watched = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean();
  private final ScheduledFuture<?> task;
  private final long intervalMillis;

  /** Starts comparing every {@code interval}. */
  Reconciler(RedissonClient client, Duration interval) {
    this.client = requireNonNull(client, "client");
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.task = SCHEDULER.scheduleWithFixedDelay(this::reconcile, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Starts watching a cache that subscribed to notices. */
  void add(RedisBackend backend) {
    watched.add(backend);
  }

  /** Stops watching a closed cache. */
  void remove(RedisBackend backend) {
    watched.remove(backend);
  }

  @Override
  public void close() {
    task.cancel(false);
    watched.clear();
  }

  private void reconcile() {
    List<RedisBackend> caches = new ArrayList<>(watched);
    if (caches.isEmpty() || !running.compareAndSet(false, true)) {
      return;
    }
    // a batch that meets a dead connection fails within the interval instead of after Redisson's
    // retries, so that the next interval compares again
    RBatch batch = client.createBatch(BatchOptions.defaults().retryAttempts(0)
        .responseTimeout(Math.max(100, Math.min(intervalMillis, 2_000)), TimeUnit.MILLISECONDS));
    List<RFuture<Long>> counts = new ArrayList<>(caches.size());
    long[] heardBefore = new long[caches.size()];
    for (int i = 0; i < caches.size(); i++) {
      RedisBackend cache = caches.get(i);
      heardBefore[i] = cache.heardSoFar();
      String key = cache.sequenceKey();
      counts.add(batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, Mode.READ_WRITE,
          Scripts.SEQUENCE.source(), ReturnType.INTEGER, List.of(key)));
    }
    batch.executeAsync().whenComplete((result, failure) -> {
      try {
        if (failure != null) {
          logger.debug("Reconciliation of {} caches failed; trying again next interval", caches.size(), failure);
          return;
        }
        for (int i = 0; i < caches.size(); i++) {
          Long count = counts.get(i).toCompletableFuture().getNow(null);
          if (count != null) {
            caches.get(i).compare(count, heardBefore[i]);
          }
        }
      } finally {
        running.set(false);
      }
    });
  }

  /** Runs the check on the reconciliation thread once a notice had {@link #GRACE} to arrive. */
  static void afterGrace(Runnable check) {
    SCHEDULER.schedule(check, GRACE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ScheduledExecutorService scheduler() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "multitier-reconcile");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
