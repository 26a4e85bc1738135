package io.multitier.jcache.backend.caffeine;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import io.multitier.jcache.spi.CacheBackend;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;

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
public final class CaffeineBackend<K, V> implements CacheBackend<K, V> {

  private final String name;
  private final Ticker ticker;
  private final Cache<K, Timed<V>> cache;
  private final boolean expiring;
  private volatile LocalStreams streams;

  /**
   * Creates the tier.
   *
   * @param name the tier's name
   * @param maximumSize the most entries it holds before Caffeine evicts
   * @param ticker the source of time
   * @param executor where Caffeine runs maintenance and removal notices
   * @param onExpired told of each entry that expired
   * @param onEvicted told of each entry evicted to respect the size bound
   * @param expiring whether any entry may get a finite time to live; without, Caffeine keeps no
   *     timer per entry and reads are cheaper
   */
  public CaffeineBackend(String name, long maximumSize, Ticker ticker, Executor executor,
      BiConsumer<K, V> onExpired, BiConsumer<K, V> onEvicted, boolean expiring) {
    this.name = requireNonNull(name, "name");
    this.ticker = requireNonNull(ticker, "ticker");
    this.expiring = expiring;
    requireNonNull(onExpired, "onExpired");
    requireNonNull(onEvicted, "onEvicted");
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maximumSize);
    if (expiring) {
      builder.expireAfter(new TimedExpiry<K, V>());
    }
    this.cache = builder
        .ticker(ticker)
        .executor(requireNonNull(executor, "executor"))
        .removalListener((K key, Timed<V> timed, RemovalCause cause) -> {
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

  @Override
  public String name() {
    return name;
  }

  @Override
  public V get(K key) {
    Timed<V> timed = cache.getIfPresent(key);
    return (timed == null) ? null : timed.value;
  }

  /** Returns the value and its remaining time to live, or {@code null} if absent or expired. */
  public ValueWithTtl<V> getWithTtl(K key) {
    Timed<V> timed = cache.getIfPresent(key);
    return (timed == null) ? null : new ValueWithTtl<>(timed.value, timed.remaining(ticker.read()));
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = new java.util.HashMap<>();
    cache.getAllPresent(keys).forEach((key, timed) -> found.put(key, timed.value));
    return found;
  }

  @Override
  public void setWithTtl(K key, V value, Duration ttl) {
    if (ttl.isZero()) {
      cache.invalidate(key);
    } else {
      cache.put(key, timed(value, ttl));
    }
  }

  @Override
  public boolean remove(K key) {
    return cache.asMap().remove(key) != null;
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    if (ttl.isZero()) {
      return !cache.asMap().containsKey(key);
    }
    return cache.asMap().putIfAbsent(key, timed(value, ttl)) == null;
  }

  @Override
  public boolean replace(K key, V expected, V value, Duration ttl) {
    boolean[] replaced = {false};
    cache.asMap().computeIfPresent(key, (k, current) -> {
      if (!current.value.equals(expected)) {
        return current;
      }
      replaced[0] = true;
      return ttl.isZero() ? null : next(current, value, ttl);
    });
    return replaced[0];
  }

  @Override
  public boolean remove(K key, V expected) {
    boolean[] removed = {false};
    cache.asMap().computeIfPresent(key, (k, current) -> {
      if (!current.value.equals(expected)) {
        return current;
      }
      removed[0] = true;
      return null;
    });
    return removed[0];
  }

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    @SuppressWarnings("unchecked")
    V[] previous = (V[]) new Object[1];
    cache.asMap().compute(key, (k, current) -> {
      if (current == null) {
        return ttlIfAbsent.isZero() ? null : timed(value, ttlIfAbsent);
      }
      previous[0] = current.value;
      return ttlIfPresent.isZero() ? null : next(current, value, ttlIfPresent);
    });
    return previous[0];
  }

  @Override
  public V getAndRemove(K key) {
    Timed<V> removed = cache.asMap().remove(key);
    return (removed == null) ? null : removed.value;
  }

  @Override
  public boolean setTtl(K key, Duration ttl) {
    boolean[] present = {false};
    cache.asMap().computeIfPresent(key, (k, current) -> {
      present[0] = true;
      return ttl.isZero() ? null : next(current, current.value, ttl);
    });
    return present[0];
  }

  /**
   * Atomically replaces the entry with what the function returns for its current value
   * ({@code null} if absent): a new value and time to live ({@link Ttl#UNCHANGED} keeps the
   * expiry), or {@code null} to remove the entry. Returning the current value with
   * {@link Ttl#UNCHANGED} leaves the entry as it is.
   */
  public void compute(K key, Function<V, ValueWithTtl<V>> function) {
    cache.asMap().compute(key, (k, current) -> {
      ValueWithTtl<V> result = function.apply((current == null) ? null : current.value);
      if (result == null || result.ttl().isZero()) {
        return null;
      }
      if (current != null && result.value() == current.value && Ttl.isUnchanged(result.ttl())) {
        return current;
      }
      if (current == null && Ttl.isUnchanged(result.ttl())) {
        return timed(result.value(), Ttl.ETERNAL);
      }
      return (current == null) ? timed(result.value(), result.ttl())
          : next(current, result.value(), result.ttl());
    });
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
    cache.invalidateAll();
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

  private long expiresAt(long now, Duration ttl) {
    if (Ttl.isEternal(ttl)) {
      return Timed.NEVER;
    }
    if (!expiring) {
      throw new IllegalStateException(name + " was built for entries that never expire, not for " + ttl);
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

  /** A value and the ticker instant at which it expires. */
  static final class Timed<V> {
    static final long NEVER = Long.MAX_VALUE;

    final V value;
    final long expiresAt;

    Timed(V value, long expiresAt) {
      this.value = value;
      this.expiresAt = expiresAt;
    }

    Duration remaining(long now) {
      return (expiresAt == NEVER) ? Ttl.ETERNAL : Duration.ofNanos(Math.max(0, expiresAt - now));
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
