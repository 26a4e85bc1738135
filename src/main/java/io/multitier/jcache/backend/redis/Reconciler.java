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
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RBatch;
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
 *
 * <p>An answer also vouches for the caches' copies: a cache whose count was last answered more than
 * the interval and {@link #GRACE} ago (a partition, a stalled connection, Redis down) is told that
 * it is not hearing every change, and when an answer comes again that it is. That check runs when
 * the bound of the last answer runs out, on the same thread, so that an L1 hit reads no clock.
 */
final class Reconciler implements Watcher<InvalidationChannel>, AutoCloseable {

  /**
   * How long a notice may take to arrive after Redis reported its number: well above the p99 of
   * delivery (9-29 ms measured), so that a node short of CPU (8 JVMs on 2 cores in the scale model)
   * does not take a late notice for a lost one and drop its copies for nothing.
   */
  static final Duration GRACE = Duration.ofSeconds(1);

  private static final Logger logger = LoggerFactory.getLogger(Reconciler.class);
  private static final ScheduledExecutorService SCHEDULER = scheduler();

  private final RedissonClient client;
  private final Set<InvalidationChannel> watched = ConcurrentHashMap.newKeySet();
  /** When the batch in flight was sent ({@code System.nanoTime()}), or 0 when none is. */
  private final AtomicLong sentAt = new AtomicLong();
  private final ScheduledFuture<?> task;
  private final long intervalMillis;
  /** How long an answer vouches for the copies: the interval, then the grace its answer may take. */
  private final long boundNanos;

  /** Starts comparing every {@code interval}. */
  Reconciler(RedissonClient client, Duration interval) {
    this.client = requireNonNull(client, "client");
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.boundNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis) + GRACE.toNanos();
    this.task = SCHEDULER.scheduleWithFixedDelay(this::reconcile, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Starts watching a cache that subscribed to notices. */
  @Override
  public void watch(InvalidationChannel channel) {
    watched.add(channel);
    checkHearingAfter(boundNanos);
  }

  /** Stops watching a closed cache. */
  @Override
  public void unwatch(InvalidationChannel channel) {
    watched.remove(channel);
  }

  @Override
  public void close() {
    task.cancel(false);
    watched.clear();
  }

  private void reconcile() {
    List<InvalidationChannel> caches = new ArrayList<>(watched);
    long now = System.nanoTime();
    long inFlight = sentAt.get();
    // a batch still unanswered after a few intervals (a connection that died with a restarted
    // server) is given up, so that it cannot stop the reconciliation for good
    boolean stuck = inFlight != 0 && now - inFlight > TimeUnit.MILLISECONDS.toNanos(3 * Math.max(intervalMillis, 1_000));
    if (caches.isEmpty() || (inFlight != 0 && !stuck) || !sentAt.compareAndSet(inFlight, now)) {
      return;
    }
    // after a restart the pool still holds connections that died with the old server: the batch
    // is tried again on another one (see Retries), and
    // an unanswered one gives up within the interval, so that the next interval compares again
    RBatch batch = client.createBatch(Retries.unsentBatchAgain(Math.max(100, Math.min(intervalMillis, 2_000))));
    long[] heardBefore = new long[caches.size()];
    for (int i = 0; i < caches.size(); i++) {
      InvalidationChannel cache = caches.get(i);
      heardBefore[i] = cache.heardSoFar();
      String key = cache.sequenceKey();
      batch.getScript(ByteArrayCodec.INSTANCE).evalAsync(key, Mode.READ_WRITE,
          Scripts.SEQUENCE.source(), ReturnType.INTEGER, List.of(key));
    }
    batch.executeAsync().whenComplete((result, failure) -> {
      try {
        if (failure != null) {
          logger.debug("Reconciliation of {} caches failed; trying again next interval", caches.size(), failure);
          return;
        }
        List<?> answers = result.getResponses();
        for (int i = 0; i < caches.size() && i < answers.size(); i++) {
          if (answers.get(i) instanceof Long) {
            caches.get(i).confirmed(now);
            caches.get(i).compare((Long) answers.get(i), heardBefore[i]);
          }
        }
        checkHearingAfter(0);
        checkHearingAfter(now + boundNanos - System.nanoTime());
      } finally {
        sentAt.compareAndSet(now, 0);
      }
    });
  }

  /** Checks, on the reconciliation thread {@code nanos} from now, which caches are hearing every change. */
  private void checkHearingAfter(long nanos) {
    SCHEDULER.schedule(this::checkHearing, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  private void checkHearing() {
    long now = System.nanoTime();
    int lost = 0;
    int back = 0;
    for (InvalidationChannel cache : watched) {
      switch (cache.checkHearing(now, boundNanos)) {
        case LOST:
          lost++;
          break;
        case BACK:
          back++;
          break;
        default:
          break;
      }
    }
    if (lost > 0) {
      logger.warn("Redis has not answered the reconciliation within {} ms (reconcileInterval + {} ms), caches: {}; "
          + "their L1 copies may be stale: FAIL_FAST caches stop serving them, SERVE_LOCAL caches serve them "
          + "counted in l1.unvouched", TimeUnit.NANOSECONDS.toMillis(boundNanos), GRACE.toMillis(), lost);
    }
    if (back > 0) {
      logger.info("Redis answers the reconciliation again, caches: {}; dropping their L1 copies", back);
    }
  }

  /** Runs a task on the reconciliation thread {@code nanos} from now. */
  static void later(Runnable task, long nanos) {
    SCHEDULER.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /** Runs a task on the reconciliation thread every {@code millis}, the first time one interval from now. */
  static ScheduledFuture<?> every(Runnable task, long millis) {
    return SCHEDULER.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
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
