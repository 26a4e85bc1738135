package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.NearCacheBackend;
import io.multitier.jcache.spi.Ttl;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * The near tier of a tiered cache: this JVM's copies of entries that the authoritative tier holds.
 *
 * <p>A copy never outlives what its entry had left in the authoritative tier when it was read or
 * written, nor {@code l1MaxTtl} from then, whatever accesses extend it. The tier keeps the time
 * itself, on the cache's {@link Ticker}, so that its backend needs no expiry of its own: a copy with
 * a deadline is checked against the ticker when it is read; a copy of an entry that never expires
 * costs no clock reading at all, and is dropped once {@code l1MaxTtl} old by a sweep that runs every
 * tenth of it (at least every second, at most every minute).
 *
 * <p>Each key maps to a stripe ({@link Stripes}) with an epoch that every invalidation and every local write advances:
 * a promotion that raced with one (the epoch moved while the entry was on its way) is dropped again.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class NearTier<K, V> {

  static final long NEVER = Long.MAX_VALUE;

  private final NearCacheBackend<K, Copy<V>> l1;
  private final Ticker ticker;
  private final Duration maxTtl;
  private final TierStatistics statistics;
  private final AtomicLongArray epochs = new AtomicLongArray(Stripes.COUNT);
  private final @Nullable ScheduledFuture<?> sweeps;
  private volatile boolean keepsCopies;
  private volatile boolean vouched = true;

  NearTier(NearCacheBackend<K, Copy<V>> l1, Ticker ticker, Duration maxTtl, TierStatistics statistics) {
    this.l1 = requireNonNull(l1, "l1");
    this.ticker = requireNonNull(ticker, "ticker");
    this.maxTtl = requireNonNull(maxTtl, "maxTtl");
    this.statistics = requireNonNull(statistics, "statistics");
    this.sweeps = (maxTtl.isZero() || Ttl.isEternal(maxTtl)) ? null
        : Daemon.SCHEDULER.scheduleWithFixedDelay(this::sweep, sweepPeriod(maxTtl), sweepPeriod(maxTtl),
            TimeUnit.MILLISECONDS);
  }

  private static long sweepPeriod(Duration maxTtl) {
    return Math.max(1_000, Math.min(60_000, maxTtl.toMillis() / 10));
  }

  /** Returns this JVM's live copy of the key, or {@code null}. */
  @Nullable Copy<V> copy(K key) {
    Copy<V> copy = l1.get(key);
    if (copy == null) {
      return null;
    }
    long deadline = copy.deadline;
    if (deadline != NEVER && ticker.read() >= deadline) {
      l1.remove(key, copy);
      return null;
    }
    return copy;
  }

  /** Returns the value of the key's copy even if past its deadline (the value an expiry lost), or {@code null}. */
  @Nullable V lastValue(K key) {
    Copy<V> copy = l1.get(key);
    return (copy == null) ? null : copy.value;
  }

  /** Returns the time now, on the cache's ticker. */
  long now() {
    return ticker.read();
  }

  /** Returns the key's epoch, to hand to {@link #promote} after a read of the authoritative tier. */
  long epoch(K key) {
    return epochs.get(Stripes.of(key));
  }

  /**
   * Copies an entry read from the authoritative tier at {@code asked}, where it lives {@code ttl}
   * more, unless an invalidation or a local write came meanwhile; returns the copy, or {@code null}.
   */
  @Nullable Copy<V> promote(K key, V value, Duration ttl, long asked, long epochBefore) {
    Copy<V> copy = store(key, value, ttl, asked);
    if (copy == null) {
      return null;
    }
    if (epoch(key) != epochBefore) {
      l1.remove(key, copy);
      return null;
    }
    statistics.promotions.increment();
    return copy;
  }

  /**
   * Copies what this JVM just wrote or read (at {@code since}, to live {@code ttl}) and returns the
   * copy, or drops the copy if it cannot live and returns {@code null}.
   */
  @Nullable Copy<V> fill(K key, V value, Duration ttl, long since) {
    Copy<V> copy = store(key, value, ttl, since);
    if (copy == null) {
      l1.remove(key);
    }
    return copy;
  }

  /** From now on, copies may be kept: this JVM hears of other JVMs' changes. */
  void keepCopies() {
    keepsCopies = true;
  }

  /** Drops every copy and keeps none from now on, until {@link #keepCopies()}: this JVM may not hear of changes. */
  void stopKeepingCopies() {
    keepsCopies = false;
    dropAll();
  }

  /**
   * Notes whether this JVM can vouch for its copies (it confirmed lately that it hears every
   * change); read on every hit, so that a hit reads this flag, not a clock.
   */
  void vouched(boolean vouched) {
    this.vouched = vouched;
  }

  /** Returns whether this JVM can vouch for its copies. */
  boolean vouched() {
    return vouched;
  }

  private @Nullable Copy<V> store(K key, V value, Duration ttl, long since) {
    if (!keepsCopies || ttl.isZero() || maxTtl.isZero() || Ttl.isUnchanged(ttl) || remaining(ttl, since).isZero()) {
      return null;
    }
    long shared = deadline(since, ttl);
    long cap = deadline(since, maxTtl);
    Copy<V> copy = new Copy<>(value, cap, (shared == NEVER) ? NEVER : Math.min(shared, cap), shared);
    l1.setWithTtl(key, copy, Ttl.ETERNAL);
    if (!keepsCopies) {
      // stopKeepingCopies() ran meanwhile, and its clear may have come before this copy
      l1.remove(key, copy);
      return null;
    }
    return copy;
  }

  /** An access at {@code now} under an access rule of {@code ttl}: the copy lives that long more, within its cap. */
  void extend(Copy<V> copy, Duration ttl, long now) {
    copy.deadline = Math.min(deadline(now, ttl), copy.capAt);
  }

  /** Notes a local write of the key: a promotion racing with it is voided. */
  void written(K key) {
    epochs.incrementAndGet(Stripes.of(key));
  }

  /** Drops the key's copy and voids a promotion racing with it. */
  void drop(K key) {
    epochs.incrementAndGet(Stripes.of(key));
    l1.remove(key);
  }

  /**
   * Drops the key's copy because the authoritative tier's entry changed. A copy already past its
   * deadline is kept instead: it is never served, and the change is most likely that entry's expiry,
   * whose event, if it comes after this, reports the copy's value as the one that expired.
   */
  void invalidate(K key) {
    epochs.incrementAndGet(Stripes.of(key));
    Copy<V> copy = l1.get(key);
    if (copy != null && copy.deadline != NEVER && ticker.read() >= copy.deadline) {
      return;
    }
    l1.remove(key);
  }

  /** Drops every copy. */
  void dropAll() {
    statistics.l1Flushes.increment();
    for (int i = 0; i < Stripes.COUNT; i++) {
      epochs.incrementAndGet(i);
    }
    l1.clear();
  }

  /** Drops the copies past their cap or their deadline. */
  void sweep() {
    long now = ticker.read();
    l1.removeIf((key, copy) -> now >= copy.capAt || (copy.deadline != NEVER && now >= copy.deadline));
  }

  Health health() {
    return l1.healthCheck();
  }

  void close() {
    if (sweeps != null) {
      sweeps.cancel(false);
    }
    l1.close();
  }

  /** Returns what is left at the ticker's now of a time to live that started no earlier than {@code since}. */
  Duration remaining(Duration ttl, long since) {
    if (Ttl.isEternal(ttl) || Ttl.isUnchanged(ttl) || ttl.isZero()) {
      return ttl;
    }
    Duration left = ttl.minusNanos(ticker.read() - since);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Returns the ticker instant {@code ttl} after {@code from}, or {@link #NEVER}. */
  static long deadline(long from, Duration ttl) {
    if (Ttl.isEternal(ttl) || Ttl.isUnchanged(ttl)) {
      return NEVER;
    }
    long nanos;
    try {
      nanos = ttl.toNanos();
    } catch (ArithmeticException tooLong) {
      return NEVER;
    }
    long at = from + nanos;
    return (at < from) ? NEVER : at;
  }

  /**
   * One copy: the value; the ticker instant it may live until whatever accesses say
   * ({@code l1MaxTtl} after it was made); the instant it is served until ({@link #NEVER}: until the
   * cap, enforced by the sweep), moved by accesses; and when this JVM last knew the entry to expire
   * in the authoritative tier, moved forward when this JVM asks that tier to extend it.
   */
  static final class Copy<V> {
    final V value;
    final long capAt;
    volatile long deadline;
    volatile long sharedDeadline;

    Copy(V value, long capAt, long deadline, long sharedDeadline) {
      this.value = value;
      this.capAt = capAt;
      this.deadline = deadline;
      this.sharedDeadline = sharedDeadline;
    }
  }
}
