package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two tiers behind one map: an in-process near cache (L1) in front of a shared store (L2) that is
 * the source of truth.
 *
 * <p>Reads try L1, then L2 in one round trip that also returns the remaining time to live, and
 * promote an L2 hit into L1 for no longer than it lives in L2. Writes go to L2 first (which tells
 * other JVMs to drop their copy in the same round trip), then to L1. Within this JVM, writes to one
 * key are serialised by a striped lock; across JVMs, atomic steps are compare-and-set loops on L2.
 *
 * <p>A promotion can race with an invalidation: a reader fetches a value from L2, another writer
 * replaces it and its notice arrives, and only then does the reader put the old value into L1. Each
 * key maps to a stripe with an epoch that every invalidation and every local write advances; a
 * reader re-checks the epoch after filling L1 and drops what it put there if the epoch moved.
 *
 * <p>When L2 fails, the {@link DegradationPolicy} decides what a read does; a write always fails
 * (nothing is acknowledged that L2 does not hold) and drops the key's L1 copy. After a failure, the
 * first L2 call that succeeds again drops every L1 copy, as does a restored invalidation
 * subscription: invalidations sent while this JVM could not hear them cannot leave a stale copy.
 *
 * <p>Keys and values are checked against size limits in their encoded form before they are sent.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TieredStore<K, V> implements Store<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);
  private static final int STRIPES = 1024;

  private final CaffeineBackend<K, V> l1;
  private final L2CacheBackend<String, byte[]> l2;
  private final EntryCodec<K, V> codec;
  private final Duration l1MaxTtl;
  private final DegradationPolicy policy;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final ThreadLocal<Checked> checked = new ThreadLocal<>();
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final AtomicLongArray epochs = new AtomicLongArray(STRIPES);
  private final TierStatistics statistics = new TierStatistics();
  private final String leaseOwner = UUID.randomUUID().toString();
  private final LowerTiers lower;

  /**
   * Creates the store.
   *
   * @param l1 the in-process tier
   * @param l2 the shared tier
   * @param codec how keys and values are stored in the shared tier
   * @param l1MaxTtl the longest an entry stays in L1 before it is read again from L2
   */
  public TieredStore(CaffeineBackend<K, V> l1, L2CacheBackend<String, byte[]> l2,
      EntryCodec<K, V> codec, Duration l1MaxTtl) {
    this(l1, l2, codec, l1MaxTtl, DegradationPolicy.FAIL_FAST, Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  /**
   * Creates the store.
   *
   * @param l1 the in-process tier
   * @param l2 the shared tier
   * @param codec how keys and values are stored in the shared tier
   * @param l1MaxTtl the longest an entry stays in L1 before it is read again from L2
   * @param policy what reads do while L2 fails
   * @param maxKeyBytes the longest encoded key sent to L2
   * @param maxValueBytes the largest encoded value sent to L2
   */
  public TieredStore(CaffeineBackend<K, V> l1, L2CacheBackend<String, byte[]> l2,
      EntryCodec<K, V> codec, Duration l1MaxTtl, DegradationPolicy policy, int maxKeyBytes, int maxValueBytes) {
    this(l1, l2, new LowerTiers(List.of()), codec, l1MaxTtl, policy, maxKeyBytes, maxValueBytes);
  }

  /**
   * Creates the store with tiers below the shared one.
   *
   * @param l1 the in-process tier
   * @param l2 the shared tier
   * @param lower the tiers below L2, slower and longer-lived
   * @param codec how keys and values are stored in the shared tier
   * @param l1MaxTtl the longest an entry stays in L1 before it is read again from L2
   * @param policy what reads do while L2 fails
   * @param maxKeyBytes the longest encoded key sent to L2
   * @param maxValueBytes the largest encoded value sent to L2
   */
  public TieredStore(CaffeineBackend<K, V> l1, L2CacheBackend<String, byte[]> l2, LowerTiers lower,
      EntryCodec<K, V> codec, Duration l1MaxTtl, DegradationPolicy policy, int maxKeyBytes, int maxValueBytes) {
    this.lower = requireNonNull(lower, "lower");
    this.l1 = requireNonNull(l1, "l1");
    this.l2 = requireNonNull(l2, "l2");
    this.codec = requireNonNull(codec, "codec");
    this.l1MaxTtl = requireNonNull(l1MaxTtl, "l1MaxTtl");
    this.policy = requireNonNull(policy, "policy");
    this.maxKeyBytes = maxKeyBytes;
    this.maxValueBytes = maxValueBytes;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    try {
      l2.onInvalidation(this::invalidated);
    } catch (BackendException e) {
      statistics.l2Errors.increment();
      throw new CacheException(l2.name() + " failed during subscribe: " + e.getMessage(), e);
    }
  }

  @Override
  public V get(K key) {
    V value = l1.get(key);
    if (value != null) {
      statistics.l1Hits.increment();
      return value;
    }
    int stripe = stripe(key);
    long epoch = epochs.get(stripe);
    long asked = System.nanoTime();
    String encoded = encodeKey(key);
    ValueWithTtl<byte[]> found;
    try {
      found = l2(() -> l2.getWithTtl(encoded), "get");
    } catch (CacheException e) {
      degradedRead(e);
      statistics.misses.increment();
      return null;
    }
    V decoded = (found == null) ? null : decode(found.value());
    if (decoded == null) {
      V fromBelow = (found == null) ? fromLowerTiers(key, encoded, asked, stripe, epoch) : null;
      if (fromBelow == null) {
        statistics.misses.increment();
      }
      return fromBelow;
    }
    statistics.l2Hits.increment();
    promote(key, decoded, found.ttl(), asked, stripe, epoch);
    return decoded;
  }

  /**
   * Reads a key L2 does not have from the tiers below it; a hit that its tier's policy promotes is
   * copied into L2 (unless a writer got there first), the lower tiers above it, and L1, each for
   * what it still lives in the tier it came from.
   */
  private V fromLowerTiers(K key, String encoded, long asked, int stripe, long epoch) {
    LowerTiers.Found found = lower.find(encoded, false);
    V value = (found == null) ? null : decode(found.bytes());
    if (value == null) {
      return null;
    }
    statistics.lowerHits.increment();
    if (found.promote()) {
      try {
        if (copyIntoL2(key, encoded, found, asked)) {
          lower.promoteAbove(found.tier(), encoded, found.bytes(), remaining(found.ttl(), asked));
          promote(key, value, found.ttl(), asked, stripe, epoch);
        }
      } catch (CacheException e) {
        logger.debug("Not promoting a lower-tier hit while {} fails: {}", l2.name(), e.toString());
      }
    }
    return value;
  }

  /** Before an atomic step: brings an entry only the lower tiers hold back into L2, so the step sees it. */
  private void pullUp(K key, String encoded) {
    if (lower.isEmpty() || l2(() -> l2.getWithTtl(encoded), "get") != null) {
      return;
    }
    long asked = System.nanoTime();
    LowerTiers.Found found = lower.find(encoded, true);
    if (found != null) {
      copyIntoL2(key, encoded, found, asked);
    }
  }

  /** Stores a lower tier's copy in L2, unless L2 got a value meanwhile, for what it still lives; returns whether it did. */
  private boolean copyIntoL2(K key, String encoded, LowerTiers.Found found, long asked) {
    Duration left = remaining(found.ttl(), asked);
    return !left.isZero() && l2Write(key, () -> l2.putIfAbsent(encoded, found.bytes(), left), "promote");
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = new HashMap<>(l1.getAll(keys));
    statistics.l1Hits.add(found.size());
    if (found.size() == keys.size()) {
      return found;
    }
    Map<String, K> missing = new HashMap<>();
    Map<K, Long> epochsBefore = new HashMap<>();
    for (K key : keys) {
      if (!found.containsKey(key)) {
        missing.put(encodeKey(key), key);
        epochsBefore.put(key, epochs.get(stripe(key)));
      }
    }
    long asked = System.nanoTime();
    Map<String, ValueWithTtl<byte[]>> fromL2;
    try {
      fromL2 = l2(() -> l2.getAllWithTtl(missing.keySet()), "getAll");
    } catch (CacheException e) {
      degradedRead(e);
      fromL2 = Map.of();
    }
    for (Map.Entry<String, ValueWithTtl<byte[]>> entry : fromL2.entrySet()) {
      K key = missing.get(entry.getKey());
      V value = decode(entry.getValue().value());
      if (key != null && value != null) {
        statistics.l2Hits.increment();
        found.put(key, value);
        promote(key, value, entry.getValue().ttl(), asked, stripe(key), epochsBefore.get(key));
      }
    }
    statistics.misses.add(keys.size() - found.size());
    return found;
  }

  @Override
  public boolean containsKey(K key) {
    if (l1.get(key) != null) {
      return true;
    }
    String encoded = encodeKey(key);
    ValueWithTtl<byte[]> found;
    try {
      found = l2(() -> l2.getWithTtl(encoded), "containsKey");
    } catch (CacheException e) {
      degradedRead(e);
      return false;
    }
    return found != null && decode(found.value()) != null;
  }

  @Override
  public void compute(K key, Function<V, Write<V>> function) {
    String encoded = encodeKey(key);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      pullUp(key, encoded);
      for (;;) {
        long asked = System.nanoTime();
        ValueWithTtl<byte[]> current = l2(() -> l2.getWithTtl(encoded), "compute");
        V value = (current == null) ? null : decode(current.value());
        if (current != null && value == null) {
          l2Write(key, () -> l2.remove(encoded, current.value()), "compute");
          continue;
        }
        Write<V> write = function.apply(value);
        if (apply(key, encoded, current, asked, value, write)) {
          return;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Carries out one decision with compare-and-set on L2; returns false if another writer won.
   * {@code asked} is when the current entry was read from L2.
   */
  private boolean apply(K key, String encoded, ValueWithTtl<byte[]> current, long asked, V value, Write<V> write) {
    switch (write.kind) {
      case KEEP:
        if (value != null) {
          fillL1(key, value, current.ttl(), asked);
        }
        return true;
      case REMOVE:
        if (current == null) {
          return true;
        }
        if (!l2Write(key, () -> l2.remove(encoded, current.value()), "remove")) {
          return false;
        }
        written(key);
        lower.removed(encoded);
        l1.remove(key);
        return true;
      default:
        Duration ttl;
        Duration l2Ttl;
        long since;
        if (!Ttl.isUnchanged(write.ttl)) {
          ttl = write.ttl;
          l2Ttl = ttl;
          since = System.nanoTime();
        } else if (current == null) {
          ttl = Ttl.ETERNAL;
          l2Ttl = Ttl.ETERNAL;
          since = System.nanoTime();
        } else {
          // L2 keeps its own expiry (re-sending what remained at the read would push it back by
          // the time since); L1 gets what remained at the read, counted from the read
          ttl = current.ttl();
          l2Ttl = Ttl.UNCHANGED;
          since = asked;
        }
        if (ttl.isZero()) {
          return apply(key, encoded, current, asked, value, Write.remove());
        }
        byte[] bytes = encodeValue(write.value);
        boolean stored = (current == null)
            ? l2Write(key, () -> l2.putIfAbsent(encoded, bytes, l2Ttl), "putIfAbsent")
            : l2Write(key, () -> l2.replace(encoded, current.value(), bytes, l2Ttl), "replace");
        if (!stored) {
          return false;
        }
        written(key);
        lower.written(encoded, bytes, l2Ttl);
        fillL1(key, write.value, ttl, since);
        return true;
    }
  }

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    String encoded = encodeKey(key);
    byte[] bytes = encodeValue(value);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      pullUp(key, encoded);
      long since = System.nanoTime();
      byte[] previous = l2Write(key, () -> l2.getAndPut(encoded, bytes, ttlIfAbsent, ttlIfPresent), "put");
      written(key);
      Duration ttl = (previous == null) ? ttlIfAbsent : ttlIfPresent;
      lower.written(encoded, bytes, ttl);
      if (Ttl.isUnchanged(ttl) || ttl.isZero()) {
        l1.remove(key);
      } else {
        fillL1(key, value, ttl, since);
      }
      return (previous == null) ? null : decode(previous);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Map<K, V> getAndPutAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Map<String, K> keys = new LinkedHashMap<>();
    Map<String, byte[]> encoded = new LinkedHashMap<>();
    for (Map.Entry<K, V> entry : entries.entrySet()) {
      String key = encodeKey(entry.getKey());
      keys.put(key, entry.getKey());
      encoded.put(key, encodeValue(entry.getValue()));
    }
    List<ReentrantLock> locks = locks(entries.keySet());
    locks.forEach(ReentrantLock::lock);
    try {
      long since = System.nanoTime();
      Map<String, byte[]> previous;
      try {
        previous = l2(() -> l2.getAndPutAll(encoded, ttlIfAbsent, ttlIfPresent), "putAll");
      } catch (CacheException e) {
        entries.keySet().forEach(l1::remove);
        throw e;
      }
      Map<K, V> found = new HashMap<>();
      keys.forEach((encodedKey, key) -> {
        written(key);
        byte[] old = previous.get(encodedKey);
        Duration ttl = (old == null) ? ttlIfAbsent : ttlIfPresent;
        lower.written(encodedKey, encoded.get(encodedKey), ttl);
        if (Ttl.isUnchanged(ttl) || ttl.isZero()) {
          l1.remove(key);
        } else {
          fillL1(key, entries.get(key), ttl, since);
        }
        V oldValue = (old == null) ? null : decode(old);
        if (oldValue != null) {
          found.put(key, oldValue);
        }
      });
      return found;
    } finally {
      for (int i = locks.size() - 1; i >= 0; i--) {
        locks.get(i).unlock();
      }
    }
  }

  /** Returns the stripe locks of the keys, each once, in stripe order so that no two writers deadlock. */
  private List<ReentrantLock> locks(Collection<? extends K> keys) {
    java.util.TreeSet<Integer> stripes = new java.util.TreeSet<>();
    keys.forEach(key -> stripes.add(stripe(key)));
    List<ReentrantLock> ordered = new ArrayList<>(stripes.size());
    stripes.forEach(stripe -> ordered.add(locks[stripe]));
    return ordered;
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    String encoded;
    byte[] bytes;
    try {
      encoded = encodeKey(key);
      bytes = encodeValue(value);
    } catch (EntryTooLargeException e) {
      // only a loaded value comes this way: the caller gets it, the cache does not keep it
      logger.warn("Not caching a loaded entry of {}: {}", l2.name(), e.getMessage());
      return false;
    }
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      long since = System.nanoTime();
      boolean stored;
      try {
        pullUp(key, encoded);
        stored = l2Write(key, () -> l2.putIfAbsent(encoded, bytes, ttl), "putIfAbsent");
      } catch (CacheException e) {
        if (policy != DegradationPolicy.SERVE_LOCAL) {
          throw e;
        }
        // a loaded value while L2 fails: returned to the reader, kept in neither tier
        degradedRead(e);
        return false;
      }
      if (!stored) {
        return false;
      }
      written(key);
      lower.written(encoded, bytes, ttl);
      fillL1(key, value, ttl, since);
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public V getAndRemove(K key) {
    String encoded = encodeKey(key);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      pullUp(key, encoded);
      byte[] previous = l2Write(key, () -> l2.getAndRemove(encoded), "remove");
      written(key);
      lower.removed(encoded);
      l1.remove(key);
      return (previous == null) ? null : decode(previous);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void setTtl(K key, Duration ttl) {
    String encoded = encodeKey(key);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      long since = System.nanoTime();
      try {
        l2Write(key, () -> l2.setTtl(encoded, ttl), "setTtl");
      } catch (CacheException e) {
        if (policy != DegradationPolicy.SERVE_LOCAL) {
          throw e;
        }
        // the access expiry of a read: l2Write dropped the L1 copy, the read itself succeeded
        degradedRead(e);
        return;
      }
      written(key);
      lower.removed(encoded);
      Duration left = remaining(ttl, since);
      if (left.isZero()) {
        l1.remove(key);
      } else {
        l1.setTtl(key, Ttl.min(left, l1MaxTtl));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Iterator<K> keys() {
    Iterator<String> encoded = l2(l2::keys, "keys");
    return new Iterator<>() {
      private K next;

      @Override
      public boolean hasNext() {
        while (next == null && l2(encoded::hasNext, "keys")) {
          String candidate = l2(encoded::next, "keys");
          try {
            next = codec.decodeKey(candidate);
          } catch (RuntimeException e) {
            // a key another program wrote under this cache's prefix: not one of ours, skipped
            statistics.corruptValues.increment();
            logger.warn("Skipping an undecodable key in {}: {}", l2.name(), e.toString());
          }
        }
        return next != null;
      }

      @Override
      public K next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        K key = next;
        next = null;
        return key;
      }
    };
  }

  @Override
  public void clear() {
    try {
      l2(() -> {
        l2.clear();
        return null;
      }, "clear");
      statistics.invalidationsSent.increment();
      lower.clear();
    } finally {
      // even a failed clear may have removed some keys, so no L1 copy can be trusted
      dropAllL1();
    }
  }

  @Override
  public V loadShared(K key, Supplier<V> loader, Duration lease, Duration maxWait) {
    String encoded = codec.encodeKey(key);
    long deadline = System.nanoTime() + maxWait.toNanos();
    long pause = TimeUnit.MILLISECONDS.toNanos(2);
    for (;;) {
      if (l2(() -> l2.acquireLease(encoded, leaseOwner, lease), "acquireLease")) {
        try {
          V loadedElsewhere = quietGet(key, encoded);
          return (loadedElsewhere != null) ? loadedElsewhere : loader.get();
        } finally {
          l2(() -> {
            l2.releaseLease(encoded, leaseOwner);
            return null;
          }, "releaseLease");
        }
      }
      V loadedElsewhere = quietGet(key, encoded);
      if (loadedElsewhere != null) {
        return loadedElsewhere;
      }
      if (System.nanoTime() - deadline > 0) {
        return loader.get();
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /** Reads L1, then L2 (promoting a hit), without counting the read in the statistics. */
  private V quietGet(K key, String encoded) {
    V value = l1.get(key);
    if (value != null) {
      return value;
    }
    ValueWithTtl<byte[]> found = l2(() -> l2.getWithTtl(encoded), "get");
    return (found == null) ? null : decode(found.value());
  }

  @Override
  public Optional<StreamingBackend> streams() {
    return l2.streams();
  }

  @Override
  public void checkEntry(K key, V value) {
    Checked check = new Checked(key, encodeKey(key), value, encodeValue(value));
    checked.set(check);
  }

  @Override
  public List<Health> health() {
    List<Health> health = new ArrayList<>(2);
    health.add(l1.healthCheck());
    Health shared = l2.healthCheck();
    if (shared.healthy()) {
      recovered();
    }
    health.add(shared);
    health.addAll(lower.health());
    return health;
  }

  @Override
  public TierStatistics statistics() {
    return statistics;
  }

  @Override
  public void close() {
    l2.close();
    lower.close();
    l1.close();
  }

  /** Drops L1 copies that another JVM changed; {@code null} means every key. */
  private void invalidated(String encodedKey) {
    statistics.invalidationsReceived.increment();
    if (encodedKey == null) {
      dropAllL1();
      return;
    }
    K key;
    try {
      key = codec.decodeKey(encodedKey);
    } catch (RuntimeException e) {
      logger.debug("Dropping every L1 entry: undecodable invalidated key {}", encodedKey, e);
      dropAllL1();
      return;
    }
    epochs.incrementAndGet(stripe(key));
    l1.remove(key);
  }

  private void dropAllL1() {
    statistics.l1Flushes.increment();
    for (int i = 0; i < STRIPES; i++) {
      epochs.incrementAndGet(i);
    }
    l1.clear();
  }

  /**
   * Copies an L2 hit into L1 for what remains of its L2 time to live, counted from {@code asked},
   * when the read was sent: Redis measured the TTL after that, so the copy cannot outlive the
   * entry in Redis however long the answer took to arrive and decode.
   */
  private void promote(K key, V value, Duration ttl, long asked, int stripe, long epochBefore) {
    Duration left = remaining(ttl, asked);
    if (left.isZero() || l1MaxTtl.isZero()) {
      return;
    }
    l1.setWithTtl(key, value, Ttl.min(left, l1MaxTtl));
    if (epochs.get(stripe) != epochBefore) {
      l1.remove(key);
    } else {
      statistics.promotions.increment();
    }
  }

  /** Fills L1 after a write to L2 sent at {@code since} with this time to live. */
  private void fillL1(K key, V value, Duration ttl, long since) {
    Duration left = remaining(ttl, since);
    if (left.isZero() || l1MaxTtl.isZero()) {
      l1.remove(key);
    } else {
      l1.setWithTtl(key, value, Ttl.min(left, l1MaxTtl));
    }
  }

  /** Returns what is left of a time to live that started no earlier than {@code since} (System.nanoTime). */
  private static Duration remaining(Duration ttl, long since) {
    if (Ttl.isEternal(ttl) || Ttl.isUnchanged(ttl) || ttl.isZero()) {
      return ttl;
    }
    Duration left = ttl.minusNanos(System.nanoTime() - since);
    return left.isNegative() ? Duration.ZERO : left;
  }

  private void written(K key) {
    statistics.invalidationsSent.increment();
    epochs.incrementAndGet(stripe(key));
  }

  private V decode(byte[] bytes) {
    try {
      return codec.decodeValue(bytes);
    } catch (RuntimeException e) {
      statistics.corruptValues.increment();
      logger.warn("Treating an undecodable value from {} as a miss: {}", l2.name(), e.toString());
      return null;
    }
  }

  private <T> T l2(java.util.function.Supplier<T> operation, String name) {
    T result;
    try {
      result = operation.get();
    } catch (BackendException e) {
      statistics.l2Errors.increment();
      if (failing.compareAndSet(false, true)) {
        logger.warn("{} failed during {} (policy {}); L1 will be dropped when it answers again: {}",
            l2.name(), name, policy, e.getMessage());
      } else {
        logger.debug("{} failed during {}: {}", l2.name(), name, e.getMessage());
      }
      throw new CacheException(l2.name() + " failed during " + name + ": " + e.getMessage(), e);
    }
    recovered();
    return result;
  }

  /** L2 answered: if it had failed, invalidations sent meanwhile may be lost, so no L1 copy is trusted. */
  private void recovered() {
    if (failing.get() && failing.compareAndSet(true, false)) {
      logger.info("{} answers again; dropping every L1 copy", l2.name());
      dropAllL1();
    }
  }

  /** A read that L2 could not answer: a miss under SERVE_LOCAL, the failure otherwise. */
  private void degradedRead(CacheException failure) {
    if (policy != DegradationPolicy.SERVE_LOCAL) {
      throw failure;
    }
    statistics.degradedReads.increment();
  }

  /** Encodes a key, refusing one over the size limit; reuses what {@link #checkEntry} just encoded. */
  private String encodeKey(K key) {
    Checked check = checked.get();
    if (check != null && check.key == key) {
      return check.encodedKey;
    }
    String encoded = codec.encodeKey(key);
    int length = encoded.length();
    // UTF-8 takes at most three bytes per char: only a long key needs counting
    if ((long) length * 3 > maxKeyBytes) {
      long bytes = encoded.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > maxKeyBytes) {
        statistics.rejectedEntries.increment();
        throw new EntryTooLargeException("A key of " + bytes + " bytes (encoded) is over the limit of "
            + maxKeyBytes + " bytes (maxKeyBytes); nothing was written");
      }
    }
    return encoded;
  }

  /** Encodes a value, refusing one over the size limit; reuses what {@link #checkEntry} just encoded. */
  private byte[] encodeValue(V value) {
    Checked check = checked.get();
    if (check != null && check.value == value) {
      checked.remove();
      return check.bytes;
    }
    byte[] bytes = codec.encodeValue(value);
    if (bytes.length > maxValueBytes) {
      statistics.rejectedEntries.increment();
      throw new EntryTooLargeException("A value of " + bytes.length + " bytes (serialized) is over the limit of "
          + maxValueBytes + " bytes (maxValueBytes); nothing was written");
    }
    return bytes;
  }

  /** The last entry {@link #checkEntry} encoded on this thread, so that the write that follows need not encode it again. */
  private static final class Checked {
    final Object key;
    final String encodedKey;
    final Object value;
    final byte[] bytes;

    Checked(Object key, String encodedKey, Object value, byte[] bytes) {
      this.key = key;
      this.encodedKey = encodedKey;
      this.value = value;
      this.bytes = bytes;
    }
  }

  /**
   * Runs a write on L2. If it fails, it may still have happened (a timeout after Redis applied it),
   * and then other JVMs were told but this one was not: the L1 copy is dropped before the failure
   * is thrown, and a promotion racing with it is voided.
   */
  private <T> T l2Write(K key, java.util.function.Supplier<T> operation, String name) {
    try {
      return l2(operation, name);
    } catch (CacheException e) {
      epochs.incrementAndGet(stripe(key));
      l1.remove(key);
      throw e;
    }
  }

  private ReentrantLock lock(K key) {
    return locks[stripe(key)];
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
