package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two tiers behind one map: a {@link NearTier} (this JVM's copies) in front of the authoritative
 * tier, an {@link L2CacheBackend} shared between JVMs that is the source of truth.
 *
 * <p>Reads ({@link TierReads}) try the near tier, then the authoritative one in one round trip that
 * also returns the remaining time to live, and promote a hit for no longer than it lives there. Writes go to the
 * authoritative tier first (which tells other JVMs to drop their copy in the same round trip), then
 * to the near tier. Within this JVM, writes to one key are serialised by a striped lock.
 *
 * <p>An atomic step ({@link AtomicSteps}) reads the entry, asks its {@link Write} decision (a function without side
 * effects), tells the {@code CacheWriter} once, and commits with a compare-and-set. When the cache
 * writes through (or loads under a stampede lease), the read also takes the key's lease in the
 * same round trip and the commit gives it back, so no other JVM's step on that key runs between:
 * the decision is final and the writer hears of it once. Without a writer a step that loses a race
 * is decided again.
 *
 * <p>An access under an access-expiry rule costs no round trip: the copy lives longer here, and
 * the authoritative tier's time to live is lengthened later, in batches, at most once per key per
 * half of the access duration ({@link Accesses}, {@link TtlExtender}); only an access that shortens an entry's life
 * is sent at once, with a notice to the other JVMs.
 *
 * <p>Every call to the authoritative tier goes through its {@link SharedTierGuard}: what a read does
 * while the tier fails is the {@link DegradationPolicy}'s call; a write always fails (nothing is
 * acknowledged that it does not hold) and drops the key's copy. After a failure, the first call
 * that succeeds again drops every copy, as does a restored invalidation subscription. Keys and
 * values are checked against size limits in their encoded form ({@link LimitedCodec}) before
 * anything is written or the writer is told.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TieredStore<K, V> implements Store<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final SharedTierGuard<K, V> shared;
  private final StoreSettings settings;
  private final Accesses<K, V> accesses;
  private final TierReads<K, V> reads;
  private final Leases leases;
  private final AtomicSteps<K, V> steps;
  private final Stripes stripes = new Stripes();
  private final TierStatistics statistics;

  TieredStore(NearTier<K, V> near, L2CacheBackend<String, byte[]> l2, LowerTiers lower,
      EntryCodec<K, V> codec, StoreSettings settings, Supplier<Duration> accessTtl, TierStatistics statistics) {
    this.near = requireNonNull(near, "near");
    this.l2 = requireNonNull(l2, "l2");
    this.lower = requireNonNull(lower, "lower");
    this.codec = new LimitedCodec<>(codec, settings.maxKeyBytes(), settings.maxValueBytes(), statistics, l2.name());
    SharedNotices<K, V> notices = new SharedNotices<>(near, this.codec, statistics);
    this.shared = new SharedTierGuard<>(l2, near, notices, settings.degradation(), statistics);
    this.accesses = new Accesses<>(near, l2, shared, lower, this.codec, stripes, accessTtl, statistics);
    this.reads = new TierReads<>(near, l2, shared, lower, this.codec, accesses, statistics);
    this.settings = requireNonNull(settings, "settings");
    this.statistics = requireNonNull(statistics, "statistics");
    this.leases = new Leases(l2, shared, settings);
    this.steps = new AtomicSteps<>(near, l2, shared, lower, this.codec, stripes, reads, accesses, leases, settings,
        statistics);
    shared.start();
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    return reads.get(key);
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    return reads.getAll(keys);
  }

  @Override
  public boolean containsKey(K key) {
    return reads.containsKey(key);
  }

  // ---------------------------------------------------------------- atomic steps

  @Override
  public V compute(K key, Function<V, Write<V>> decide) {
    return steps.compute(key, decide);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough) {
    if (settings.exclusiveWrites()) {
      return steps.compute(key, putDecision(value, ttlIfAbsent, ttlIfPresent, writeThrough));
    }
    byte[][] previous = new byte[1][];
    putUnleased(key, value, ttlIfAbsent, ttlIfPresent, writeThrough, (encoded, bytes) -> {
      previous[0] = l2.getAndPut(encoded, bytes, ttlIfAbsent, ttlIfPresent);
      return previous[0] != null;
    });
    return (previous[0] == null) ? null : codec.decodeValue(previous[0]);
  }

  @Override
  public boolean put(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough) {
    if (settings.exclusiveWrites()) {
      return steps.compute(key, putDecision(value, ttlIfAbsent, ttlIfPresent, writeThrough)) != null;
    }
    return putUnleased(key, value, ttlIfAbsent, ttlIfPresent, writeThrough,
        (encoded, bytes) -> l2.put(encoded, bytes, ttlIfAbsent, ttlIfPresent));
  }

  /** Returns the decision of a put in a cache that writes through. */
  private Function<V, Write<V>> putDecision(V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough) {
    return current -> {
      Duration ttl = (current == null) ? ttlIfAbsent : ttlIfPresent;
      Write<V> write = (current == null && ttl.isZero()) ? Write.keep() : Write.put(value, ttl);
      return write.withWriter(writeThrough);
    };
  }

  /** Stores a value without a lease: {@code write} sends it to L2 and returns whether the key was present. */
  private boolean putUnleased(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough,
      BiPredicate<String, byte[]> write) {
    String encoded = codec.encodeKey(key);
    byte[] bytes = codec.encodeValue(value);
    if (writeThrough != null) {
      writeThrough.run();
    }
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      reads.pullUp(key, encoded);
      long since = near.now();
      boolean present = shared.write(key, () -> write.test(encoded, bytes), "put");
      shared.written(key);
      Duration ttl = present ? ttlIfPresent : ttlIfAbsent;
      lower.written(encoded, bytes, ttl);
      near.fill(key, value, ttl, since);
      return present;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<K, V> getAndPutAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Map<String, byte[]> previous = new HashMap<>();
    Map<String, K> keys = putAllUnleased(entries, ttlIfAbsent, ttlIfPresent, encoded -> {
      previous.putAll(l2.getAndPutAll(encoded, ttlIfAbsent, ttlIfPresent));
      return previous.keySet();
    });
    Map<K, V> found = new HashMap<>();
    previous.forEach((encodedKey, old) -> {
      V oldValue = codec.decodeValue(old);
      if (oldValue != null) {
        found.put(keys.get(encodedKey), oldValue);
      }
    });
    return found;
  }

  @Override
  public int putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    int[] present = {0};
    putAllUnleased(entries, ttlIfAbsent, ttlIfPresent, encoded -> {
      Set<String> found = l2.putAll(encoded, ttlIfAbsent, ttlIfPresent);
      present[0] = found.size();
      return found;
    });
    return present[0];
  }

  /**
   * Stores the entries without leases: {@code write} sends them to L2 and returns the encoded keys
   * that were present. Returns the keys by their encoded form.
   */
  private Map<String, K> putAllUnleased(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent,
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
        lower.written(encodedKey, encoded.get(encodedKey), ttl);
        near.fill(key, entries.get(key), ttl, since);
      });
      return keys;
    } finally {
      for (int i = held.size() - 1; i >= 0; i--) {
        held.get(i).unlock();
      }
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    String encoded;
    byte[] bytes;
    try {
      encoded = codec.encodeKey(key);
      bytes = codec.encodeValue(value);
    } catch (EntryTooLargeException e) {
      // only a loaded value comes this way: the caller gets it, the cache does not keep it
      logger.warn("Not caching a loaded entry of {}: {}", l2.name(), e.getMessage());
      return false;
    }
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      long since = near.now();
      // a loaded value while L2 fails: returned to the reader, kept in neither tier (SERVE_LOCAL)
      return shared.read(() -> {
        reads.pullUp(key, encoded);
        // in a write-through cache a loaded value never lands while another JVM's step holds the
        // key: that step would fail its compare-and-set after telling the writer
        String owner = settings.exclusiveWrites() ? leases.owner() : null;
        return shared.write(key, () -> (owner == null) ? l2.putIfAbsent(encoded, bytes, ttl)
            : l2.commit(encoded, null, bytes, ttl, owner), "putIfAbsent");
      }, stored -> stored && loaded(key, value, encoded, bytes, ttl, since), false);
    } finally {
      lock.unlock();
    }
  }

  /** Follows a loaded value that L2 took into the lower tiers and the near tier; returns true. */
  private boolean loaded(K key, V value, String encoded, byte[] bytes, Duration ttl, long since) {
    shared.written(key);
    lower.written(encoded, bytes, ttl);
    near.fill(key, value, ttl, since);
    return true;
  }

  @Override
  public V getAndRemove(K key, Runnable writeThrough) {
    if (settings.exclusiveWrites()) {
      return steps.compute(key, current -> Write.<V>remove().withWriter(writeThrough));
    }
    byte[][] previous = new byte[1][];
    removeUnleased(key, writeThrough, encoded -> {
      previous[0] = l2.getAndRemove(encoded);
      return previous[0] != null;
    });
    return (previous[0] == null) ? null : codec.decodeValue(previous[0]);
  }

  @Override
  public boolean remove(K key, Runnable writeThrough) {
    if (settings.exclusiveWrites()) {
      return steps.compute(key, current -> Write.<V>remove().withWriter(writeThrough)) != null;
    }
    return removeUnleased(key, writeThrough, l2::remove);
  }

  /** Removes a key without a lease: {@code remove} sends it to L2 and returns whether it was present. */
  private boolean removeUnleased(K key, Runnable writeThrough, Predicate<String> remove) {
    if (writeThrough != null) {
      writeThrough.run();
    }
    String encoded = codec.encodeKey(key);
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      reads.pullUp(key, encoded);
      boolean present = shared.write(key, () -> remove.test(encoded), "remove");
      shared.written(key);
      lower.removed(encoded);
      near.drop(key);
      return present;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void checkEntry(K key, V value) {
    codec.encodeKey(key);
    codec.encodeValue(value);
  }

  // ---------------------------------------------------------------- iteration, clear, leases

  @Override
  public Iterator<K> keys() {
    return reads.keys();
  }

  @Override
  public void clear() {
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

  @Override
  public V loadShared(K key, Supplier<V> loader, Duration lease, Duration maxWait) {
    return steps.loadShared(key, loader, lease, maxWait);
  }

  @Override
  public Optional<StreamingBackend> streams() {
    return l2.streams();
  }

  /**
   * Tells the listener, decoded, of Redis's expiries and, for a cache with cluster events, of other
   * JVMs' changes; an expiry also drops this JVM's copy and carries its value, if it had one.
   */
  @Override
  public void onSharedEvents(Consumer<SharedEvent<K, V>> listener) {
    shared.onSharedEvents(listener);
  }

  @Override
  public List<Health> health() {
    List<Health> health = new ArrayList<>(2);
    health.add(near.health());
    health.add(shared.health());
    health.addAll(lower.health());
    return health;
  }

  @Override
  public TierStatistics statistics() {
    return statistics;
  }

  @Override
  public void close() {
    accesses.flush();
    l2.close();
    lower.close();
    near.close();
  }

  // ---------------------------------------------------------------- coherence and faults
}
