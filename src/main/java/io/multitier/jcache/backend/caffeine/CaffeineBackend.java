package io.multitier.jcache.backend.caffeine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.multitier.jcache.spi.Change;
import io.multitier.jcache.spi.NearCacheBackend;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The in-process tier: a Caffeine cache with a size bound and a time to live per entry.
 *
 * <p>Each entry carries its expiry instant on the injected {@link Ticker}'s time line, and
 * Caffeine's own {@link Expiry} enforces it, so an expired entry is never returned and time in
 * tests is whatever the ticker says.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class CaffeineBackend<K, V> implements NearCacheBackend<K, V> {

  private final String name;
  private final Ticker ticker;
  private final long maximumSize;
  private final Executor executor;
  private final BiConsumer<K, V> onExpired;
  private final BiConsumer<K, V> onEvicted;
  private final ReadWriteLock rebuild = new ReentrantReadWriteLock();
  private volatile Cache<K, Timed<V>> cache;
  private volatile boolean expiring;
  private volatile @Nullable LocalStreams streams;

  /**
   * Creates the tier.
   *
   * @param name the tier's name
   * @param maximumSize the most entries it holds before Caffeine evicts
   * @param ticker the source of time
   * @param executor where Caffeine runs maintenance and removal notices
   * @param onExpired told of each entry that expired
   * @param onEvicted told of each entry evicted to respect the size bound
   * @param expiring whether entries are expected to get finite times to live; without, Caffeine
   *     keeps no timer per entry and reads are cheaper, until the first entry that needs one
   */
  public CaffeineBackend(String name, long maximumSize, Ticker ticker, Executor executor,
      BiConsumer<K, V> onExpired, BiConsumer<K, V> onEvicted, boolean expiring) {
    this.name = requireNonNull(name, "name");
    this.ticker = requireNonNull(ticker, "ticker");
    this.maximumSize = maximumSize;
    this.executor = requireNonNull(executor, "executor");
    this.onExpired = requireNonNull(onExpired, "onExpired");
    this.onEvicted = requireNonNull(onEvicted, "onEvicted");
    this.expiring = expiring;
    this.cache = build(expiring);
  }

  private Cache<K, Timed<V>> build(boolean withExpiry) {
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maximumSize);
    if (withExpiry) {
      builder.expireAfter(new TimedExpiry<K, V>());
    }
    return builder
        .ticker(ticker)
        .executor(executor)
        .removalListener((@Nullable K key, @Nullable Timed<V> timed, RemovalCause cause) -> {
          if (key == null || timed == null) {
            return;
          }
          if (cause == RemovalCause.EXPIRED) {
            onExpired.accept(key, timed.value);
          } else if (cause == RemovalCause.SIZE) {
            onEvicted.accept(key, timed.value);
          }
        })
        .build();
  }

  /** Runs a write that stores with {@code ttl}: a finite one first moves the entries into a cache with expiry. */
  private <T extends @Nullable Object> T write(Duration ttl, Supplier<T> operation) {
    if (!expiring && Ttl.isFinite(ttl)) {
      startExpiring();
    }
    return write(operation);
  }

  /**
   * Runs a write. While the cache is built without expiry, writes share a read lock that
   * {@link #startExpiring()} takes exclusively to move every entry into a cache with expiry, the
   * first time an entry gets a finite time to live; a write that meets one inside an atomic step
   * is abandoned, the move is made, and the write runs again.
   */
  private <T extends @Nullable Object> T write(Supplier<T> operation) {
    for (;;) {
      if (expiring) {
        return operation.get();
      }
      Lock shared = rebuild.readLock();
      shared.lock();
      try {
        if (!expiring) {
          return operation.get();
        }
      } catch (NeedsExpiry retry) {
        // fall through: the move is made below, outside the read lock
      } finally {
        shared.unlock();
      }
      startExpiring();
    }
  }

  private void startExpiring() {
    Lock exclusive = rebuild.writeLock();
    exclusive.lock();
    try {
      if (!expiring) {
        Cache<K, Timed<V>> next = build(true);
        next.putAll(cache.asMap());
        cache = next;
        expiring = true;
      }
    } finally {
      exclusive.unlock();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public @Nullable V get(K key) {
    Timed<V> timed = cache.getIfPresent(key);
    return (timed == null) ? null : timed.value;
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = new java.util.HashMap<>();
    cache.getAllPresent(keys).forEach((key, timed) -> found.put(key, timed.value));
    return found;
  }

  @Override
  public void setWithTtl(K key, V value, Duration ttl) {
    write(ttl, () -> {
      if (ttl.isZero()) {
        cache.invalidate(key);
      } else {
        cache.put(key, timed(value, ttl));
      }
      return null;
    });
  }

  @Override
  public boolean remove(K key) {
    return write(() -> cache.asMap().remove(key) != null);
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    if (ttl.isZero()) {
      return !cache.asMap().containsKey(key);
    }
    return write(ttl, () -> cache.asMap().putIfAbsent(key, timed(value, ttl)) == null);
  }

  @Override
  public boolean replace(K key, V expected, V value, Duration ttl) {
    return write(ttl, () -> {
      boolean[] replaced = {false};
      cache.asMap().computeIfPresent(key, (k, current) -> {
        if (!current.value.equals(expected)) {
          return current;
        }
        replaced[0] = true;
        return ttl.isZero() ? null : next(current, value, ttl);
      });
      return replaced[0];
    });
  }

  @Override
  public boolean remove(K key, V expected) {
    return write(() -> {
      boolean[] removed = {false};
      cache.asMap().computeIfPresent(key, (k, current) -> {
        if (!current.value.equals(expected)) {
          return current;
        }
        removed[0] = true;
        return null;
      });
      return removed[0];
    });
  }

  @Override
  public @Nullable V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Duration finite = Ttl.isFinite(ttlIfAbsent) ? ttlIfAbsent : ttlIfPresent;
    return write(finite, () -> {
      @SuppressWarnings("unchecked")
      @Nullable V[] previous = (@Nullable V[]) new Object[1];
      cache.asMap().compute(key, (k, current) -> {
        previous[0] = null;
        if (current == null) {
          return ttlIfAbsent.isZero() ? null : timed(value, ttlIfAbsent);
        }
        previous[0] = current.value;
        return ttlIfPresent.isZero() ? null : next(current, value, ttlIfPresent);
      });
      return previous[0];
    });
  }

  @Override
  public @Nullable V getAndRemove(K key) {
    Timed<V> removed = write(() -> cache.asMap().remove(key));
    return (removed == null) ? null : removed.value;
  }

  @Override
  public boolean setTtl(K key, Duration ttl) {
    return write(ttl, () -> {
      boolean[] present = {false};
      cache.asMap().computeIfPresent(key, (k, current) -> {
        present[0] = true;
        return ttl.isZero() ? null : next(current, current.value, ttl);
      });
      return present[0];
    });
  }

  @Override
  public void compute(K key, Function<@Nullable V, Change<V>> function) {
    write(() -> cache.asMap().compute(key, (k, current) -> {
      Change<V> result = function.apply((current == null) ? null : current.value);
      if (result.isRemove() || result.ttl().isZero()) {
        return null;
      }
      if (current != null && result.value() == current.value && Ttl.isUnchanged(result.ttl())) {
        return current;
      }
      return (current == null) ? timed(result.value(), result.ttl())
          : next(current, result.value(), result.ttl());
    }));
  }

  @Override
  public void removeIf(BiPredicate<? super K, ? super V> test) {
    requireNonNull(test, "test");
    write(() -> cache.asMap().entrySet().removeIf(entry -> test.test(entry.getKey(), entry.getValue().value)));
  }

  @Override
  public Iterator<K> keys() {
    return cache.asMap().keySet().iterator();
  }

  /** Returns the number of entries, counting expired ones not yet cleaned up. */
  public long estimatedSize() {
    return cache.estimatedSize();
  }

  /** Drops every entry without expiry notices. */
  @Override
  public void clear() {
    write(() -> {
      cache.invalidateAll();
      return null;
    });
  }

  /** Returns the streams of this JVM, with Redis Streams' semantics. */
  @Override
  public Optional<StreamingBackend> streams() {
    LocalStreams local = streams;
    if (local == null) {
      synchronized (this) {
        local = streams;
        if (local == null) {
          local = new LocalStreams(ticker);
          streams = local;
        }
      }
    }
    return Optional.of(local);
  }

  @Override
  public Health healthCheck() {
    return Health.up(name, cache.estimatedSize() + " entries");
  }

  /** Runs Caffeine's pending maintenance, so due expiries are noticed now. */
  public void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    cache.invalidateAll();
    cache.cleanUp();
  }

  private Timed<V> timed(V value, Duration ttl) {
    return new Timed<>(requireNonNull(value, "value"), expiresAt(ticker.read(), ttl));
  }

  private Timed<V> next(Timed<V> current, V value, Duration ttl) {
    long expiresAt = Ttl.isUnchanged(ttl) ? current.expiresAt : expiresAt(ticker.read(), ttl);
    return new Timed<>(requireNonNull(value, "value"), expiresAt);
  }

  /** Maps a time to live of {@link Ttl}'s vocabulary (never zero here) to the instant a new value expires. */
  private long expiresAt(long now, Duration ttl) {
    if (Ttl.isEternal(ttl) || Ttl.isUnchanged(ttl)) {
      return Timed.NEVER;
    }
    if (!expiring) {
      throw new NeedsExpiry();
    }
    long nanos;
    try {
      nanos = ttl.toNanos();
    } catch (ArithmeticException tooLong) {
      return Timed.NEVER;
    }
    long at = now + nanos;
    return (at < now) ? Timed.NEVER : at;
  }

  /** Abandons an atomic step that met a finite time to live while the cache has no expiry. */
  private static final class NeedsExpiry extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NeedsExpiry() {
      super(null, null, false, false);
    }
  }

  /** A value and the ticker instant at which it expires. */
  static final class Timed<V> {
    static final long NEVER = Long.MAX_VALUE;

    final V value;
    final long expiresAt;

    Timed(V value, long expiresAt) {
      this.value = value;
      this.expiresAt = expiresAt;
    }

    long nanosLeft(long now) {
      return (expiresAt == NEVER) ? Long.MAX_VALUE : Math.max(0, expiresAt - now);
    }
  }

  /** Tells Caffeine each entry's expiry from the instant it carries. */
  static final class TimedExpiry<K, V> implements Expiry<K, Timed<V>> {
    @Override
    public long expireAfterCreate(K key, Timed<V> timed, long currentTime) {
      return timed.nanosLeft(currentTime);
    }

    @Override
    public long expireAfterUpdate(K key, Timed<V> timed, long currentTime, long currentDuration) {
      return timed.nanosLeft(currentTime);
    }

    @Override
    public long expireAfterRead(K key, Timed<V> timed, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
