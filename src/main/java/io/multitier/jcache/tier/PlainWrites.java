package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Change;
import io.multitier.jcache.spi.Expected;
import io.multitier.jcache.spi.L2CacheBackend;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes of a tiered cache that take no lease: puts and removes of a cache without a writer,
 * {@code putAll}, a loaded value's put-if-absent, and {@code clear}. Each goes to the authoritative
 * tier first (which tells other JVMs to drop their copy in the same round trip), then to the lower
 * tiers and the near tier, under the key's stripe lock so that the near tier follows the shared
 * tier's order. A cache with a writer never comes here for a put or a remove: those are atomic
 * steps under the key's lease ({@link AtomicSteps}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PlainWrites<K, V> {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<K, V> shared;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final Stripes stripes;
  private final TierReads<K, V> reads;
  private final Leases leases;
  private final StoreSettings settings;
  private final TierStatistics statistics;

  PlainWrites(Tiers<K, V> tiers, TierReads<K, V> reads, Leases leases) {
    this.near = tiers.near();
    this.l2 = tiers.l2();
    this.shared = tiers.shared();
    this.lower = tiers.lower();
    this.codec = tiers.codec();
    this.stripes = tiers.stripes();
    this.reads = requireNonNull(reads, "reads");
    this.leases = requireNonNull(leases, "leases");
    this.settings = tiers.settings();
    this.statistics = tiers.statistics();
  }

  /** Stores the value; the put's answer holds the previous value. */
  Put<V> getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Committed<? super Put<V>> committed) {
    return put(key, value, ttlIfAbsent, ttlIfPresent,
        (encoded, bytes) -> l2.getAndPut(encoded, bytes, ttlIfAbsent, ttlIfPresent), Objects::nonNull,
        previous -> (previous == null) ? new Put<>(false, null, !ttlIfAbsent.isZero())
            : new Put<>(true, codec.decodeValue(previous), false), committed);
  }

  /** Stores the value without reading the previous one back. */
  Put<V> put(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Committed<? super Put<V>> committed) {
    return put(key, value, ttlIfAbsent, ttlIfPresent,
        (encoded, bytes) -> l2.put(encoded, bytes, ttlIfAbsent, ttlIfPresent), Boolean::booleanValue,
        present -> new Put<>(present, null, !present && !ttlIfAbsent.isZero()), committed);
  }

  /**
   * Stores a value: {@code write} sends it to L2, {@code present} tells from its reply whether the
   * key was present, {@code answer} makes the reply what the caller gets; reports the answer under
   * the key's lock.
   */
  private <R, A> A put(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, BiFunction<String, byte[], R> write,
      Predicate<R> present, Function<R, A> answer, Committed<? super A> committed) {
    String encoded = codec.encodeKey(key);
    byte[] bytes = codec.encodeValue(value);
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      reads.pullUp(key, encoded);
      long since = near.now();
      R reply = shared.write(key, () -> write.apply(encoded, bytes), "put");
      shared.written(key);
      Duration ttl = present.test(reply) ? ttlIfPresent : ttlIfAbsent;
      lower.written(encoded, bytes, ttl);
      kept(key, value, ttl, since);
      A result = answer.apply(reply);
      committed.report(result);
      return result;
    } finally {
      lock.unlock();
    }
  }

  /** Stores every entry in one call to L2; returns how many keys were present. */
  int putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    int[] present = {0};
    putAll(entries, ttlIfAbsent, ttlIfPresent, encoded -> {
      Set<String> found = l2.putAll(encoded, ttlIfAbsent, ttlIfPresent);
      present[0] = found.size();
      return found;
    });
    return present[0];
  }

  /**
   * Stores the entries: {@code write} sends them to L2 and returns the encoded keys that were
   * present. Returns the keys by their encoded form.
   */
  private Map<String, K> putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent,
      Function<Map<String, byte[]>, Set<String>> write) {
    Map<String, K> keys = new LinkedHashMap<>();
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    for (Map.Entry<K, V> entry : entries.entrySet()) {
      String key = codec.encodeKey(entry.getKey());
      keys.put(key, entry.getKey());
      encoded.put(key, codec.encodeValue(entry.getValue()));
    }
    List<ReentrantLock> held = stripes.locks(entries.keySet());
    held.forEach(ReentrantLock::lock);
    try {
      long since = near.now();
      Set<String> present;
      try {
        present = shared.call(() -> write.apply(encoded), "putAll");
      } catch (CacheException e) {
        entries.keySet().forEach(near::drop);
        throw e;
      }
      keys.forEach((encodedKey, key) -> {
        shared.written(key);
        Duration ttl = present.contains(encodedKey) ? ttlIfPresent : ttlIfAbsent;
        lower.written(encodedKey, requireNonNull(encoded.get(encodedKey), "encoded with its key"), ttl);
        kept(key, requireNonNull(entries.get(key), "one of the entries"), ttl, since);
      });
      return keys;
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).unlock();
      }
    }
  }

  /**
   * Stores a loaded value only if the key is absent; returns whether it did. A value over the size
   * limits, or one that arrives while L2 fails under {@code SERVE_LOCAL}, is returned to the reader
   * but kept in neither tier.
   */
  boolean putLoaded(K key, V value, Duration ttl, Committed<? super Boolean> committed) {
    String encoded;
    byte[] bytes;
    try {
      encoded = codec.encodeKey(key);
      bytes = codec.encodeValue(value);
    } catch (EntryTooLargeException e) {
      // only a loaded value comes this way: the caller gets it, the cache does not keep it
      logger.warn("Not caching a loaded entry of {}: {}", l2.name(), e.getMessage());
      committed.report(false);
      return false;
    }
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      long since = near.now();
      boolean stored = shared.read(() -> {
        reads.pullUp(key, encoded);
        // in a write-through cache a loaded value never lands while another JVM's step holds the
        // key: that step would fail its compare-and-set after telling the writer
        return shared.write(key, () -> !settings.writesThrough() ? l2.putIfAbsent(encoded, bytes, ttl)
            : l2.commit(encoded, Expected.absent(), Change.store(bytes, ttl), leases.held()), "putIfAbsent");
      }, took -> took && loaded(key, value, encoded, bytes, ttl, since), false);
      committed.report(stored);
      return stored;
    } finally {
      lock.unlock();
    }
  }

  /** Follows a loaded value that L2 took into the lower tiers and the near tier; returns true. */
  private boolean loaded(K key, V value, String encoded, byte[] bytes, Duration ttl, long since) {
    shared.written(key);
    lower.written(encoded, bytes, ttl);
    if (settings.writesThrough()) {
      // committed as a step, which L2 reads back only if it tells writers
      kept(key, value, ttl, since);
    } else {
      near.fill(key, value, ttl, since);
    }
    return true;
  }

  /**
   * Copies what this JVM wrote into the near tier if L2 goes on telling it of the key's changes;
   * else drops its copy, to be read again from L2 when next wanted.
   */
  private void kept(K key, V value, Duration ttl, long since) {
    if (l2.tellsWriters()) {
      near.fill(key, value, ttl, since);
    } else {
      near.drop(key);
    }
  }

  /** Removes the key and returns its value, or {@code null}. */
  @Nullable V getAndRemove(K key, Committed<? super @Nullable V> committed) {
    return remove(key, encoded -> {
      byte[] previous = l2.getAndRemove(encoded);
      return (previous == null) ? null : codec.decodeValue(previous);
    }, committed);
  }

  /** Removes the key; returns whether it was present. */
  boolean remove(K key, Committed<? super Boolean> committed) {
    return remove(key, l2::remove, committed);
  }

  /** Removes a key: {@code remove} sends it to L2 and answers what the caller gets; reports it under the key's lock. */
  private <R extends @Nullable Object> R remove(K key, Function<String, R> remove, Committed<? super R> committed) {
    String encoded = codec.encodeKey(key);
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      reads.pullUp(key, encoded);
      R answer = shared.write(key, () -> remove.apply(encoded), "remove");
      shared.written(key);
      lower.removed(encoded);
      near.drop(key);
      committed.report(answer);
      return answer;
    } finally {
      lock.unlock();
    }
  }

  /** Removes every key in one call to L2; returns how many were present. */
  int removeAll(Collection<K> keys) {
    Map<String, K> encoded = new LinkedHashMap<>();
    keys.forEach(key -> encoded.put(codec.encodeKey(key), key));
    List<ReentrantLock> held = stripes.locks(keys);
    held.forEach(ReentrantLock::lock);
    try {
      int removed;
      try {
        removed = shared.call(() -> l2.removeAll(encoded.keySet()), "removeAll");
      } catch (CacheException e) {
        keys.forEach(near::drop);
        throw e;
      }
      encoded.forEach((encodedKey, key) -> {
        shared.written(key);
        lower.removed(encodedKey);
        near.drop(key);
      });
      return removed;
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).unlock();
      }
    }
  }

  /** Removes every entry of this cache from every tier; drops every near copy even if L2 failed. */
  void clear() {
    try {
      shared.call(() -> {
        l2.clear();
        return null;
      }, "clear");
      statistics.invalidationsSent.increment();
      lower.clear();
    } finally {
      // even a failed clear may have removed some keys, so no L1 copy can be trusted
      near.dropAll();
    }
  }
}
