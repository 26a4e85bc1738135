package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.ReadForUpdate;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.tier.NearTier.Copy;
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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * <p>An atomic step reads the entry, asks its {@link Write} decision (a function without side
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
  private final Stripes stripes = new Stripes();
  private final TierStatistics statistics;
  private final String leaseOwner = UUID.randomUUID().toString();

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
    String encoded = codec.encodeKey(key);
    if (!settings.exclusiveWrites()) {
      Attempt<V> onCopy = computeOnCopy(key, encoded, decide);
      if (onCopy.done()) {
        return onCopy.current();
      }
    }
    boolean leased = settings.exclusiveWrites() || settings.stampedeLease() != null;
    String owner = leased ? owner() : null;
    Backoff backoff = new Backoff();
    for (;;) {
      ReentrantLock lock = stripes.lock(key);
      lock.lock();
      try {
        reads.pullUp(key, encoded);
        for (;;) {
          long asked = near.now();
          ReadForUpdate<byte[]> read = (owner == null)
              ? ReadForUpdate.unleased(shared.call(() -> l2.getWithTtl(encoded), "compute"))
              : shared.call(() -> l2.readForUpdate(encoded, owner, lease(), settings.exclusiveWrites()), "compute");
          if (read.blocked()) {
            break;
          }
          Attempt<V> attempt = attempt(key, encoded, read, owner, asked, decide);
          if (attempt.done()) {
            return attempt.current();
          }
        }
      } finally {
        lock.unlock();
      }
      // another JVM holds the lease: wait for it outside the lock, so that this JVM's holder can finish
      statistics.leaseWaits.increment();
      if (backoff.waited() > 3 * lease().toNanos()) {
        throw new CacheException(l2.name() + ": the lease of a key was held by another client for over "
            + TimeUnit.NANOSECONDS.toMillis(backoff.waited()) + " ms; an atomic step gave up (writeLease bounds how long one may hold it)");
      }
      backoff.pause();
    }
  }

  /** The outcome of one try of an atomic step: whether it is over, and the value it saw. */
  private record Attempt<V>(boolean done, V current) {}

  private static final Attempt<?> NOT_DONE = new Attempt<>(false, null);

  /**
   * Tries an atomic step in one round trip, deciding from this JVM's copy and committing with a
   * compare-and-set against the copy's encoded bytes; a decision that changes nothing only checks
   * that L2 still holds them. Not done (L2 is then read as usual) without a copy or when L2 holds
   * something else. Only for a cache without a writer: no lease is taken.
   */
  @SuppressWarnings("unchecked")
  private Attempt<V> computeOnCopy(K key, String encoded, Function<V, Write<V>> decide) {
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      Copy<V> copy = near.copy(key);
      if (copy == null) {
        return (Attempt<V>) NOT_DONE;
      }
      byte[] held;
      try {
        held = codec.encodeValueUnlimited(copy.value);
      } catch (RuntimeException e) {
        return (Attempt<V>) NOT_DONE;
      }
      Write<V> write = decide.apply(copy.value);
      if (write.kind == Write.Kind.KEEP || write.kind == Write.Kind.ACCESS) {
        if (!shared.call(() -> l2.holds(encoded, held), "compute")) {
          return (Attempt<V>) NOT_DONE;
        }
        if (write.kind == Write.Kind.ACCESS) {
          accesses.accessed(key, encoded, copy, 0L);
        }
        return new Attempt<>(true, copy.value);
      }
      long asked = near.now();
      ValueWithTtl<byte[]> current = new ValueWithTtl<>(held, sharedTtl(copy, asked));
      return carryOut(key, encoded, current, copy.value, asked, write, null)
          ? new Attempt<>(true, copy.value) : (Attempt<V>) NOT_DONE;
    } finally {
      lock.unlock();
    }
  }

  /** Returns what a copy's entry had left in L2 at {@code now}, as far as this JVM knows. */
  private static Duration sharedTtl(Copy<?> copy, long now) {
    long deadline = copy.sharedDeadline;
    return (deadline == NearTier.NEVER) ? Ttl.ETERNAL : Duration.ofNanos(Math.max(1, deadline - now));
  }

  /** Decides, tells the writer, and commits, once; gives back a lease the read took however it ends. */
  private Attempt<V> attempt(K key, String encoded, ReadForUpdate<byte[]> read, String owner, long asked,
      Function<V, Write<V>> decide) {
    String holder = read.leased() ? owner : null;
    try {
      ValueWithTtl<byte[]> current = read.current();
      V value = (current == null) ? null : codec.decodeValue(current.value());
      if (current != null && value == null) {
        // undecodable bytes: removed, then the step reads again (still holding the lease)
        shared.write(key, () -> l2.commit(encoded, current.value(), null, null, null), "compute");
        return new Attempt<>(false, null);
      }
      Write<V> write = decide.apply(value);
      boolean committed = carryOut(key, encoded, current, value, asked, write, holder);
      holder = null;
      return new Attempt<>(committed, value);
    } finally {
      if (holder != null) {
        releaseQuietly(encoded, holder);
      }
    }
  }

  /** Gives a lease back. */
  private void release(String encoded, String holder) {
    shared.call(() -> {
      l2.releaseLease(encoded, holder);
      return null;
    }, "releaseLease");
  }

  /** Gives a lease back after a step that failed; if that fails too, the lease runs out by itself. */
  private void releaseQuietly(String encoded, String holder) {
    try {
      l2.releaseLease(encoded, holder);
    } catch (RuntimeException e) {
      logger.debug("{} could not give a lease back (it runs out by itself): {}", l2.name(), e.toString());
    }
  }

  /**
   * Carries out one decision: encodes it (size limits first), tells the writer, then commits it on
   * L2 with compare-and-set, giving back {@code holder}'s lease; returns false if another writer won.
   */
  private boolean carryOut(K key, String encoded, ValueWithTtl<byte[]> current, V value, long asked,
      Write<V> write, String holder) {
    Write.Kind kind = write.kind;
    Duration ttl = write.ttl;
    if (kind == Write.Kind.PUT && !Ttl.isUnchanged(ttl) && ttl.isZero()) {
      kind = Write.Kind.REMOVE;
    } else if (kind == Write.Kind.PUT && Ttl.isUnchanged(ttl) && current == null) {
      ttl = Ttl.ETERNAL;
    }
    if (kind == Write.Kind.REMOVE && current == null) {
      kind = Write.Kind.KEEP;
    }
    byte[] bytes = (kind == Write.Kind.PUT) ? codec.encodeValue(write.value) : null;
    write.runWriter();
    if (kind == Write.Kind.KEEP || kind == Write.Kind.ACCESS) {
      if (holder != null) {
        release(encoded, holder);
      }
      if (value != null) {
        Copy<V> copy = near.fill(key, value, current.ttl(), asked);
        if (kind == Write.Kind.ACCESS) {
          accesses.accessed(key, encoded, copy, NearTier.deadline(asked, current.ttl()));
        }
      }
      return true;
    }
    byte[] expected = (current == null) ? null : current.value();
    Duration l2Ttl = ttl;
    long since = near.now();
    boolean committed = shared.write(key, () -> l2.commit(encoded, expected, bytes, l2Ttl, holder),
        (kind == Write.Kind.REMOVE) ? "remove" : "replace");
    if (!committed) {
      return false;
    }
    shared.written(key);
    if (kind == Write.Kind.REMOVE) {
      lower.removed(encoded);
      near.drop(key);
    } else {
      lower.written(encoded, bytes, ttl);
      // an unchanged expiry keeps L2's own; the copy gets what remained at the read, counted from it
      if (Ttl.isUnchanged(ttl)) {
        near.fill(key, write.value, current.ttl(), asked);
      } else {
        near.fill(key, write.value, ttl, since);
      }
    }
    return true;
  }

  /** Returns the lease owner of the calling thread: leases are per thread, so two threads of this JVM exclude each other too. */
  private String owner() {
    return leaseOwner + "/" + Thread.currentThread().getId();
  }

  private Duration lease() {
    return settings.exclusiveWrites() ? settings.writeLease() : settings.stampedeLease();
  }

  // ---------------------------------------------------------------- writes

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough) {
    if (settings.exclusiveWrites()) {
      return compute(key, putDecision(value, ttlIfAbsent, ttlIfPresent, writeThrough));
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
      return compute(key, putDecision(value, ttlIfAbsent, ttlIfPresent, writeThrough)) != null;
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
        String owner = settings.exclusiveWrites() ? owner() : null;
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
      return compute(key, current -> Write.<V>remove().withWriter(writeThrough));
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
      return compute(key, current -> Write.<V>remove().withWriter(writeThrough)) != null;
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
    String encoded = codec.encodeKeyUnlimited(key);
    String owner = owner();
    Backoff backoff = new Backoff();
    for (;;) {
      if (shared.call(() -> l2.acquireLease(encoded, owner, lease), "acquireLease")) {
        try {
          V loadedElsewhere = reads.quietGet(key, encoded);
          return (loadedElsewhere != null) ? loadedElsewhere : loader.get();
        } finally {
          release(encoded, owner);
        }
      }
      V loadedElsewhere = reads.quietGet(key, encoded);
      if (loadedElsewhere != null) {
        return loadedElsewhere;
      }
      if (backoff.waited() > maxWait.toNanos()) {
        return loader.get();
      }
      backoff.pause();
    }
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
