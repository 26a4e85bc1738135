package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.DegradationPolicy;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.InvalidationListener;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.SharedEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's resilience strategy for the shared tier: every call to it goes through here. A
 * failure is counted, logged once until the tier answers again, and thrown as a
 * {@link CacheException}; what a read does instead is the {@link DegradationPolicy}'s call, applied
 * here only ({@link #read}). A write that fails drops the key's near copy (it may still have
 * happened). The first call that succeeds after a failure drops every copy, since invalidations
 * may have been lost meanwhile.
 *
 * <p>It also keeps the subscription to other JVMs' invalidations and the registration of the
 * shared-event listener: until the subscription succeeded (the tier was down when the cache was
 * created) the near tier keeps no copies, and the first call that reaches the tier tries again.
 * Neither is attempted under a lock: one thread at a time tries, others go on without waiting.
 *
 * <p>While the shared tier reports that this JVM is not hearing every change (it has not confirmed
 * so within its staleness bound), the near copies are not vouched for: under {@code SERVE_LOCAL}
 * they are served and counted, otherwise they are dropped and none is kept, so that a read goes to
 * the shared tier. Once it hears again, every copy is dropped and copies are kept again.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SharedTierGuard<K, V> {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private enum Subscription { NONE, SUBSCRIBING, SUBSCRIBED }

  private final L2CacheBackend<String, byte[]> l2;
  private final NearTier<K, V> near;
  private final SharedNotices<K, V> notices;
  private final DegradationPolicy degradation;
  private final TierStatistics statistics;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicReference<Subscription> subscription = new AtomicReference<>(Subscription.NONE);
  private final AtomicReference<@Nullable Consumer<SharedEvent<K, V>>> unregisteredListener = new AtomicReference<>();

  SharedTierGuard(L2CacheBackend<String, byte[]> l2, NearTier<K, V> near, SharedNotices<K, V> notices,
      DegradationPolicy degradation, TierStatistics statistics) {
    this.l2 = requireNonNull(l2, "l2");
    this.near = requireNonNull(near, "near");
    this.notices = requireNonNull(notices, "notices");
    this.degradation = requireNonNull(degradation, "degradation");
    this.statistics = requireNonNull(statistics, "statistics");
  }

  /** Subscribes to invalidations if the tier answers a health check now; a cache is created at once either way. */
  void start() {
    // a cache is created at once: while Redis does not answer a PING, no subscription is tried now
    Health health = l2.healthCheck();
    if (health.healthy()) {
      subscribe();
    } else {
      // the CacheManager says why, once for all the caches it creates together
      statistics.l2Errors.increment();
      failing.set(true);
      logger.debug("{} cannot be reached yet (policy {}): {}", l2.name(), degradation, health.detail());
    }
  }

  /** Runs a call on the shared tier; a failure is counted and thrown as a {@link CacheException} naming {@code name}. */
  <T extends @Nullable Object> T call(Supplier<T> operation, String name) {
    T result;
    try {
      result = operation.get();
    } catch (BackendException e) {
      throw failed(e, name);
    }
    recovered();
    return result;
  }

  /** Counts and logs a failure of the shared tier; returns it as the {@link CacheException} to throw. */
  private CacheException failed(BackendException e, String name) {
    statistics.l2Errors.increment();
    if (failing.compareAndSet(false, true)) {
      logger.warn("{} failed during {} (policy {}); L1 will be dropped when it answers again: {}",
          l2.name(), name, degradation, e.getMessage());
    } else {
      logger.debug("{} failed during {}: {}", l2.name(), name, e.getMessage());
    }
    return new CacheException(l2.name() + " failed during " + name + ": " + e.getMessage(), e);
  }

  /**
   * Runs a write of the key on the shared tier. If it fails, it may still have happened (a timeout
   * after the tier applied it), and then other JVMs were told but this one was not: the near copy
   * is dropped before the failure is thrown, and a promotion racing with it is voided.
   */
  <T extends @Nullable Object> T write(K key, Supplier<T> operation, String name) {
    try {
      return call(operation, name);
    } catch (CacheException e) {
      near.drop(key);
      throw e;
    }
  }

  /**
   * Runs a read-side step made of calls through this guard and gives its answer to {@code then};
   * if the shared tier failed, the degradation policy gives {@code fallback} or the failure. The
   * one place the policy is applied.
   */
  <T extends @Nullable Object, R extends @Nullable Object> R read(Supplier<T> step, Function<? super T, ? extends R> then,
      R fallback) {
    T answer;
    try {
      answer = step.get();
    } catch (CacheException failure) {
      return degraded(failure, fallback);
    }
    return then.apply(answer);
  }

  /**
   * Does {@link #read} of one asynchronous call of the shared tier, as {@link #call} would run it:
   * nothing waits while the tier answers. Everything after the answer (counting a failure or noting
   * a recovery, the degradation policy, {@code then}) runs on {@code executor}, never on the thread
   * that completes the tier's answer (a Redis client's event loop must not wait on Redis, and
   * {@code then} or a recovery may). The stage fails with what {@link #read} would throw.
   */
  <T extends @Nullable Object, R extends @Nullable Object> CompletionStage<R> readAsync(
      Supplier<? extends CompletionStage<T>> operation, String name,
      Function<? super T, ? extends R> then, R fallback, Executor executor) {
    CompletionStage<T> sent;
    try {
      sent = operation.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handleAsync((answer, error) -> {
      if (error == null) {
        recovered();
        return then.apply(answer);
      }
      Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause() : error;
      if (cause instanceof BackendException backend) {
        return degraded(failed(backend, name), fallback);
      }
      throw (cause instanceof RuntimeException unchecked) ? unchecked : new CompletionException(cause);
    }, executor);
  }

  /** Applies the degradation policy to a failed read: returns {@code fallback} or throws the failure. */
  private <R extends @Nullable Object> R degraded(CacheException failure, R fallback) {
    R degraded = degradation.onReadFailure(failure, fallback);
    statistics.degradedReads.increment();
    return degraded;
  }

  /** Notes a write the shared tier took: it told the other JVMs, and a promotion racing with it here is voided. */
  void written(K key) {
    statistics.invalidationsSent.increment();
    near.written(key);
  }

  /** Checks the shared tier's health; a healthy answer counts as the tier answering again. */
  Health health() {
    Health health = l2.healthCheck();
    if (health.healthy()) {
      recovered();
    }
    return health;
  }

  /**
   * Registers the listener of the shared tier's events, decoded; with the tier now if this JVM is
   * subscribed, else once it is.
   */
  void onSharedEvents(Consumer<SharedEvent<K, V>> listener) {
    unregisteredListener.set(requireNonNull(listener, "listener"));
    // read after the write above: if the subscriber's check missed the listener, this one sees it subscribed
    if (subscription.get() == Subscription.SUBSCRIBED) {
      registerListener();
    }
  }

  /** Subscribes to the other JVMs' invalidations, unless subscribed or another thread is at it. */
  private void subscribe() {
    if (!subscription.compareAndSet(Subscription.NONE, Subscription.SUBSCRIBING)) {
      return;
    }
    boolean subscribed = false;
    try {
      l2.onInvalidation(new Heard());
      subscribed = true;
    } catch (BackendException e) {
      unreachable(e.getMessage());
    } finally {
      subscription.set(subscribed ? Subscription.SUBSCRIBED : Subscription.NONE);
    }
    if (subscribed) {
      near.keepCopies();
      registerListener();
    }
  }

  /** Registers the shared-event listener not registered yet, if any; kept for the next try if the tier fails. */
  private void registerListener() {
    Consumer<SharedEvent<K, V>> listener = unregisteredListener.getAndSet(null);
    if (listener == null) {
      return;
    }
    boolean registered = false;
    try {
      l2.onSharedEvents(notices.decoding(listener));
      registered = true;
    } catch (BackendException e) {
      unreachable(e.getMessage());
      logger.warn("The listeners of {} do not hear of Redis's expiries or other JVMs' changes until it answers again: {}",
          l2, e.getMessage());
    } finally {
      if (!registered) {
        unregisteredListener.compareAndSet(null, listener);
      }
    }
  }

  /** The tier answered: if it had failed, invalidations sent meanwhile may be lost, so no near copy is trusted. */
  private void recovered() {
    if (subscription.get() != Subscription.SUBSCRIBED) {
      subscribe();
      if (subscription.get() != Subscription.SUBSCRIBED) {
        return;
      }
    }
    if (failing.get() && failing.compareAndSet(true, false)) {
      logger.info("{} answers again; dropping every L1 copy", l2.name());
      near.dropAll();
      registerListener();
    }
  }

  /** This JVM may miss changes from now on: copies are served counted (SERVE_LOCAL), or neither served nor kept. */
  private void notHearing() {
    if (degradation == DegradationPolicy.SERVE_LOCAL) {
      near.vouched(false);
    } else {
      near.stopKeepingCopies();
    }
  }

  /** This JVM hears every change again: the copies that may have missed one go, and copies are kept again. */
  private void hearingAgain() {
    near.dropAll();
    near.keepCopies();
    near.vouched(true);
  }

  private void unreachable(@Nullable String reason) {
    statistics.l2Errors.increment();
    if (failing.compareAndSet(false, true)) {
      logger.warn("{} cannot be reached yet (policy {}): the cache keeps no L1 copies and becomes tiered "
          + "when it answers: {}", l2.name(), degradation, reason);
    }
  }

  /** What the shared tier tells this JVM of other clients' changes and of whether it hears them. */
  private final class Heard implements InvalidationListener<String> {

    @Override
    public void invalidated(String key) {
      notices.invalidated(key);
    }

    @Override
    public void invalidatedAll() {
      notices.invalidatedAll();
    }

    @Override
    public void notHearing() {
      SharedTierGuard.this.notHearing();
    }

    @Override
    public void hearingAgain() {
      SharedTierGuard.this.hearingAgain();
    }
  }
}
