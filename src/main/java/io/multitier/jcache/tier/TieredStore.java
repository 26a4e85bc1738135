package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.copy.SerializationException;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.ReadForUpdate;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.tier.NearTier.Copy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Reads try the near tier, then the authoritative one in one round trip that also returns the
 * remaining time to live, and promote a hit for no longer than it lives there. Writes go to the
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
 * half of the access duration ({@link TtlExtender}); only an access that shortens an entry's life
 * is sent at once, with a notice to the other JVMs.
 *
 * <p>What a read does while the authoritative tier fails is the {@link DegradationPolicy}'s call; a
 * write always fails (nothing is acknowledged that it does not hold) and drops the key's copy.
 * After a failure, the first call that succeeds again drops every copy, as does a restored
 * invalidation subscription. Keys and values are checked against size limits in their encoded form
 * before anything is written or the writer is told.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TieredStore<K, V> implements Store<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);
  private static final int STRIPES = 1024;
  private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(20);

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final LowerTiers lower;
  private final EntryCodec<K, V> codec;
  private final StoreSettings settings;
  private final Supplier<Duration> accessTtl;
  private final TtlExtender extender;
  private final AtomicBoolean failing = new AtomicBoolean();
  private final Object subscription = new Object();
  private volatile boolean subscribed;
  private Consumer<SharedEvent<K, V>> sharedListener;
  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  private final TierStatistics statistics;
  private final String leaseOwner = UUID.randomUUID().toString();
  private final Set<String> refusedLogged = ConcurrentHashMap.newKeySet();

  TieredStore(NearTier<K, V> near, L2CacheBackend<String, byte[]> l2, LowerTiers lower,
      EntryCodec<K, V> codec, StoreSettings settings, Supplier<Duration> accessTtl, TierStatistics statistics) {
    this.near = requireNonNull(near, "near");
    this.l2 = requireNonNull(l2, "l2");
    this.lower = requireNonNull(lower, "lower");
    this.codec = requireNonNull(codec, "codec");
    this.settings = requireNonNull(settings, "settings");
    this.accessTtl = requireNonNull(accessTtl, "accessTtl");
    this.statistics = requireNonNull(statistics, "statistics");
    this.extender = new TtlExtender(l2, statistics);
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
    // a cache is created at once: while Redis does not answer a PING, no subscription is tried now
    Health health = l2.healthCheck();
    if (health.healthy()) {
      subscribe();
    } else {
      // the CacheManager says why, once for all the caches it creates together
      statistics.l2Errors.increment();
      failing.set(true);
      logger.debug("{} cannot be reached yet (policy {}): {}", l2.name(), settings.degradation(), health.detail());
    }
  }

  /**
   * Subscribes to the other JVMs' invalidations. Until that succeeded (Redis down when the cache
   * was created) the near tier keeps no copies, which no notice could drop, and the first call that
   * reaches Redis again tries once more.
   */
  private void subscribe() {
    synchronized (subscription) {
      if (subscribed) {
        return;
      }
      try {
        l2.onInvalidation(this::invalidated);
      } catch (BackendException e) {
        unreachable(e.getMessage());
        return;
      }
      subscribed = true;
      near.keepCopies();
      hearShared();
    }
  }

  private void unreachable(String reason) {
    statistics.l2Errors.increment();
    if (failing.compareAndSet(false, true)) {
      logger.warn("{} cannot be reached yet (policy {}): the cache keeps no L1 copies and becomes tiered "
          + "when it answers: {}", l2.name(), settings.degradation(), reason);
    }
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    Copy<V> copy = near.copy(key);
    if (copy == null) {
      return getShared(key);
    }
    statistics.l1Hits.increment();
    accessed(key, null, copy, 0L);
    return copy.value;
  }

  /** Reads a key this JVM holds no copy of from the authoritative tier (and those below it), promoting a hit. */
  private V getShared(K key) {
    long epoch = near.epoch(key);
    long asked = near.now();
    String encoded = encodeKey(key);
    ValueWithTtl<byte[]> found;
    try {
      found = l2(() -> l2.getWithTtl(encoded), "get");
    } catch (CacheException e) {
      return degradedRead(e, null);
    }
    V decoded = (found == null) ? null : decode(found.value());
    if (decoded == null) {
      V fromBelow = (found == null) ? fromLowerTiers(key, encoded, asked, epoch) : null;
      if (fromBelow == null) {
        statistics.misses.increment();
      }
      return fromBelow;
    }
    statistics.l2Hits.increment();
    Copy<V> promoted = near.promote(key, decoded, found.ttl(), asked, epoch);
    accessed(key, encoded, promoted, NearTier.deadline(asked, found.ttl()));
    return decoded;
  }

  /**
   * Reads a key L2 does not have from the tiers below it; a hit that its tier's policy promotes is
   * copied into L2 (unless a writer got there first), the lower tiers above it, and L1, each for
   * what it still lives in the tier it came from.
   */
  private V fromLowerTiers(K key, String encoded, long asked, long epoch) {
    LowerTiers.Found found = lower.find(encoded, false);
    V value = (found == null) ? null : decode(found.bytes());
    if (value == null) {
      return null;
    }
    statistics.lowerHits.increment();
    if (found.promote()) {
      try {
        if (copyIntoL2(key, encoded, found, asked)) {
          lower.promoteAbove(found.tier(), encoded, found.bytes(), near.remaining(found.ttl(), asked));
          near.promote(key, value, found.ttl(), asked, epoch);
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
    long asked = near.now();
    LowerTiers.Found found = lower.find(encoded, true);
    if (found != null) {
      copyIntoL2(key, encoded, found, asked);
    }
  }

  /** Stores a lower tier's copy in L2, unless L2 got a value meanwhile, for what it still lives; returns whether it did. */
  private boolean copyIntoL2(K key, String encoded, LowerTiers.Found found, long asked) {
    Duration left = near.remaining(found.ttl(), asked);
    return !left.isZero() && l2Write(key, () -> l2.putIfAbsent(encoded, found.bytes(), left), "promote");
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = sized(keys.size());
    Map<String, K> missing = sized(keys.size());
    Map<K, Long> epochsBefore = sized(keys.size());
    for (K key : keys) {
      Copy<V> copy = near.copy(key);
      if (copy != null) {
        statistics.l1Hits.increment();
        accessed(key, null, copy, 0L);
        found.put(key, copy.value);
      } else if (!epochsBefore.containsKey(key)) {
        epochsBefore.put(key, near.epoch(key));
        missing.put(encodeKey(key), key);
      }
    }
    if (missing.isEmpty()) {
      return found;
    }
    long asked = near.now();
    Map<String, ValueWithTtl<byte[]>> fromL2;
    try {
      fromL2 = l2(() -> l2.getAllWithTtl(missing.keySet()), "getAll");
    } catch (CacheException e) {
      fromL2 = degradedRead(e, Map.of());
    }
    for (Map.Entry<String, ValueWithTtl<byte[]>> entry : fromL2.entrySet()) {
      K key = missing.get(entry.getKey());
      V value = decode(entry.getValue().value());
      if (key != null && value != null) {
        statistics.l2Hits.increment();
        found.put(key, value);
        Duration ttl = entry.getValue().ttl();
        Copy<V> promoted = near.promote(key, value, ttl, asked, epochsBefore.get(key));
        accessed(key, entry.getKey(), promoted, NearTier.deadline(asked, ttl));
      }
    }
    statistics.misses.add(keys.size() - found.size());
    return found;
  }

  @Override
  public boolean containsKey(K key) {
    if (near.copy(key) != null) {
      return true;
    }
    String encoded = encodeKey(key);
    ValueWithTtl<byte[]> found;
    try {
      found = l2(() -> l2.getWithTtl(encoded), "containsKey");
    } catch (CacheException e) {
      return degradedRead(e, false);
    }
    return found != null && decode(found.value()) != null;
  }

  /**
   * Applies the access rule to a present entry that was just read: the near copy (if any) lives
   * longer, and the authoritative tier's time to live follows lazily, without a notice; a rule that
   * shortens the entry's life is sent at once. {@code sharedDeadline} is used when there is no copy.
   */
  private void accessed(K key, String encoded, Copy<V> copy, long sharedDeadline) {
    Duration ttl = accessTtl.get();
    if (Ttl.isUnchanged(ttl)) {
      return;
    }
    long now = near.now();
    long known = (copy == null) ? sharedDeadline : copy.sharedDeadline;
    long target = NearTier.deadline(now, ttl);
    if (ttl.isZero() || target < known) {
      shorten(key, ttl, now);
      return;
    }
    if (copy != null) {
      near.extend(copy, ttl, now);
    }
    if (target != known && (target == Long.MAX_VALUE || target - known >= ttl.toNanos() / 2)) {
      if (copy != null) {
        copy.sharedDeadline = target;
      }
      extender.extend((encoded == null) ? encodeKey(key) : encoded, ttl);
    }
  }

  /** Sets a shorter time to live on a present entry in both tiers (zero removes it), telling other JVMs. */
  private void shorten(K key, Duration ttl, long since) {
    String encoded = encodeKey(key);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      try {
        l2Write(key, () -> l2.setTtl(encoded, ttl), "setTtl");
      } catch (CacheException e) {
        // the read itself succeeded; l2Write dropped the copy
        degradedRead(e, null);
        return;
      }
      written(key);
      lower.removed(encoded);
      Copy<V> copy = near.copy(key);
      if (copy != null) {
        near.fill(key, copy.value, ttl, since);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- atomic steps

  @Override
  public V compute(K key, Function<V, Write<V>> decide) {
    String encoded = encodeKey(key);
    if (!settings.exclusiveWrites()) {
      Attempt<V> onCopy = computeOnCopy(key, encoded, decide);
      if (onCopy.done()) {
        return onCopy.current();
      }
    }
    boolean leased = settings.exclusiveWrites() || settings.stampedeLease() != null;
    String owner = leased ? owner() : null;
    long pause = FIRST_PAUSE;
    long waited = 0;
    for (;;) {
      ReentrantLock lock = lock(key);
      lock.lock();
      try {
        pullUp(key, encoded);
        for (;;) {
          long asked = near.now();
          ReadForUpdate<byte[]> read = (owner == null)
              ? ReadForUpdate.unleased(l2(() -> l2.getWithTtl(encoded), "compute"))
              : l2(() -> l2.readForUpdate(encoded, owner, lease(), settings.exclusiveWrites()), "compute");
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
      if (waited > 3 * lease().toNanos()) {
        throw new CacheException(l2.name() + ": the lease of a key was held by another client for over "
            + TimeUnit.NANOSECONDS.toMillis(waited) + " ms; an atomic step gave up (writeLease bounds how long one may hold it)");
      }
      LockSupport.parkNanos(pause);
      waited += pause;
      pause = Math.min(pause * 2, LONGEST_PAUSE);
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
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      Copy<V> copy = near.copy(key);
      if (copy == null) {
        return (Attempt<V>) NOT_DONE;
      }
      byte[] held;
      try {
        held = codec.encodeValue(copy.value);
      } catch (RuntimeException e) {
        return (Attempt<V>) NOT_DONE;
      }
      Write<V> write = decide.apply(copy.value);
      if (write.kind == Write.Kind.KEEP || write.kind == Write.Kind.ACCESS) {
        if (!l2(() -> l2.holds(encoded, held), "compute")) {
          return (Attempt<V>) NOT_DONE;
        }
        if (write.kind == Write.Kind.ACCESS) {
          accessed(key, encoded, copy, 0L);
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
      V value = (current == null) ? null : decode(current.value());
      if (current != null && value == null) {
        // undecodable bytes: removed, then the step reads again (still holding the lease)
        l2Write(key, () -> l2.commit(encoded, current.value(), null, null, null), "compute");
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
    l2(() -> {
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
    byte[] bytes = (kind == Write.Kind.PUT) ? encodeValue(write.value) : null;
    write.runWriter();
    if (kind == Write.Kind.KEEP || kind == Write.Kind.ACCESS) {
      if (holder != null) {
        release(encoded, holder);
      }
      if (value != null) {
        Copy<V> copy = near.fill(key, value, current.ttl(), asked);
        if (kind == Write.Kind.ACCESS) {
          accessed(key, encoded, copy, NearTier.deadline(asked, current.ttl()));
        }
      }
      return true;
    }
    byte[] expected = (current == null) ? null : current.value();
    Duration l2Ttl = ttl;
    long since = near.now();
    boolean committed = l2Write(key, () -> l2.commit(encoded, expected, bytes, l2Ttl, holder),
        (kind == Write.Kind.REMOVE) ? "remove" : "replace");
    if (!committed) {
      return false;
    }
    written(key);
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
    return (previous[0] == null) ? null : decode(previous[0]);
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
    String encoded = encodeKey(key);
    byte[] bytes = encodeValue(value);
    if (writeThrough != null) {
      writeThrough.run();
    }
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      pullUp(key, encoded);
      long since = near.now();
      boolean present = l2Write(key, () -> write.test(encoded, bytes), "put");
      written(key);
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
      V oldValue = decode(old);
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
      String key = encodeKey(entry.getKey());
      keys.put(key, entry.getKey());
      encoded.put(key, encodeValue(entry.getValue()));
    }
    List<ReentrantLock> held = locks(entries.keySet());
    held.forEach(ReentrantLock::lock);
    try {
      long since = near.now();
      Set<String> present;
      try {
        present = l2(() -> write.apply(encoded), "putAll");
      } catch (CacheException e) {
        entries.keySet().forEach(near::drop);
        throw e;
      }
      keys.forEach((encodedKey, key) -> {
        written(key);
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

  /** Returns the stripe locks of the keys, each once, in stripe order so that no two writers deadlock. */
  private List<ReentrantLock> locks(Collection<? extends K> keys) {
    TreeSet<Integer> stripes = new TreeSet<>();
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
      long since = near.now();
      boolean stored;
      try {
        pullUp(key, encoded);
        // in a write-through cache a loaded value never lands while another JVM's step holds the
        // key: that step would fail its compare-and-set after telling the writer
        String owner = settings.exclusiveWrites() ? owner() : null;
        stored = l2Write(key, () -> (owner == null) ? l2.putIfAbsent(encoded, bytes, ttl)
            : l2.commit(encoded, null, bytes, ttl, owner), "putIfAbsent");
      } catch (CacheException e) {
        // a loaded value while L2 fails: returned to the reader, kept in neither tier (SERVE_LOCAL)
        return degradedRead(e, false);
      }
      if (!stored) {
        return false;
      }
      written(key);
      lower.written(encoded, bytes, ttl);
      near.fill(key, value, ttl, since);
      return true;
    } finally {
      lock.unlock();
    }
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
    return (previous[0] == null) ? null : decode(previous[0]);
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
    String encoded = encodeKey(key);
    ReentrantLock lock = lock(key);
    lock.lock();
    try {
      pullUp(key, encoded);
      boolean present = l2Write(key, () -> remove.test(encoded), "remove");
      written(key);
      lower.removed(encoded);
      near.drop(key);
      return present;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void checkEntry(K key, V value) {
    encodeKey(key);
    encodeValue(value);
  }

  // ---------------------------------------------------------------- iteration, clear, leases

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
      near.dropAll();
    }
  }

  @Override
  public V loadShared(K key, Supplier<V> loader, Duration lease, Duration maxWait) {
    String encoded = codec.encodeKey(key);
    String owner = owner();
    long pause = FIRST_PAUSE;
    long waited = 0;
    for (;;) {
      if (l2(() -> l2.acquireLease(encoded, owner, lease), "acquireLease")) {
        try {
          V loadedElsewhere = quietGet(key, encoded);
          return (loadedElsewhere != null) ? loadedElsewhere : loader.get();
        } finally {
          release(encoded, owner);
        }
      }
      V loadedElsewhere = quietGet(key, encoded);
      if (loadedElsewhere != null) {
        return loadedElsewhere;
      }
      if (waited > maxWait.toNanos()) {
        return loader.get();
      }
      LockSupport.parkNanos(pause);
      waited += pause;
      pause = Math.min(pause * 2, LONGEST_PAUSE);
    }
  }

  /** Reads L1, then L2, without counting the read in the statistics. */
  private V quietGet(K key, String encoded) {
    Copy<V> copy = near.copy(key);
    if (copy != null) {
      return copy.value;
    }
    ValueWithTtl<byte[]> found = l2(() -> l2.getWithTtl(encoded), "get");
    return (found == null) ? null : decode(found.value());
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
    requireNonNull(listener, "listener");
    synchronized (subscription) {
      sharedListener = listener;
      if (subscribed) {
        hearShared();
      }
    }
  }

  /** Registers the shared-event listener with the shared tier once it answers; after a failure, when it answers again. */
  private void hearShared() {
    Consumer<SharedEvent<K, V>> listener = sharedListener;
    if (listener == null) {
      return;
    }
    try {
      l2.onSharedEvents(event -> shared(event, listener));
      sharedListener = null;
    } catch (BackendException e) {
      unreachable(e.getMessage());
      logger.warn("The listeners of {} do not hear of Redis's expiries or other JVMs' changes until it answers again: {}",
          l2, e.getMessage());
    }
  }

  private void shared(SharedEvent<String, byte[]> event, Consumer<SharedEvent<K, V>> listener) {
    K key;
    try {
      key = codec.decodeKey(event.key());
    } catch (RuntimeException e) {
      logger.debug("Ignoring an event of an undecodable key {}", event.key(), e);
      return;
    }
    V value = (event.value() == null) ? null : decode(event.value());
    V oldValue = (event.oldValue() == null) ? null : decode(event.oldValue());
    if (event.source() == SharedEvent.Source.STORE) {
      oldValue = near.lastValue(key);
      near.drop(key);
    }
    if ((event.value() != null && value == null) || (event.oldValue() != null && oldValue == null)) {
      return;
    }
    listener.accept(new SharedEvent<>(event.type(), key, value, oldValue, event.source()));
  }

  @Override
  public List<Health> health() {
    List<Health> health = new ArrayList<>(2);
    health.add(near.health());
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
    extender.flush();
    l2.close();
    lower.close();
    near.close();
  }

  // ---------------------------------------------------------------- coherence and faults

  /** Drops L1 copies that another JVM changed; {@code null} means every key. */
  private void invalidated(String encodedKey) {
    statistics.invalidationsReceived.increment();
    if (encodedKey == null) {
      near.dropAll();
      return;
    }
    K key;
    try {
      key = codec.decodeKey(encodedKey);
    } catch (RuntimeException e) {
      logger.debug("Dropping every L1 entry: undecodable invalidated key {}", encodedKey, e);
      near.dropAll();
      return;
    }
    near.drop(key);
  }

  private void written(K key) {
    statistics.invalidationsSent.increment();
    near.written(key);
  }

  private V decode(byte[] bytes) {
    try {
      return codec.decodeValue(bytes);
    } catch (RuntimeException e) {
      statistics.corruptValues.increment();
      String refused = refusedClass(e);
      String foreign = (e instanceof SerializationException) ? ((SerializationException) e).foreignCodec() : null;
      if (foreign != null) {
        if (refusedLogged.add("codec " + foreign)) {
          logger.warn("Treating values of codec {} from {} as misses: {}", foreign, l2.name(), e.getMessage());
        } else {
          logger.debug("Refused a value of codec {} from {}", foreign, l2.name());
        }
      } else if (refused == null) {
        logger.warn("Treating an undecodable value from {} as a miss: {}", l2.name(), e.toString());
      } else {
        statistics.refusedClasses.increment();
        if (refusedLogged.add(refused)) {
          logger.warn("Treating values of {} from {} as misses: {}", refused, l2.name(), e.getMessage());
        } else {
          logger.debug("Refused a value of {} from {}", refused, l2.name());
        }
      }
      return null;
    }
  }

  /** Returns the class the allow-list refused somewhere in the failure's causes, or {@code null}. */
  private static String refusedClass(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SerializationException && ((SerializationException) cause).refusedClass() != null) {
        return ((SerializationException) cause).refusedClass();
      }
    }
    return null;
  }

  private <T> T l2(Supplier<T> operation, String name) {
    T result;
    try {
      result = operation.get();
    } catch (BackendException e) {
      statistics.l2Errors.increment();
      if (failing.compareAndSet(false, true)) {
        logger.warn("{} failed during {} (policy {}); L1 will be dropped when it answers again: {}",
            l2.name(), name, settings.degradation(), e.getMessage());
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
    if (!subscribed) {
      subscribe();
      if (!subscribed) {
        return;
      }
    }
    if (failing.get() && failing.compareAndSet(true, false)) {
      logger.info("{} answers again; dropping every L1 copy", l2.name());
      near.dropAll();
      synchronized (subscription) {
        hearShared();
      }
    }
  }

  /** A read-side call that L2 could not answer: the degradation policy gives the fallback or the failure. */
  private <T> T degradedRead(CacheException failure, T fallback) {
    T answer = settings.degradation().onReadFailure(failure, fallback);
    statistics.degradedReads.increment();
    return answer;
  }

  /** Encodes a key, refusing one over the size limit. */
  private String encodeKey(K key) {
    String encoded = codec.encodeKey(key);
    int length = encoded.length();
    // UTF-8 takes at most three bytes per char: only a long key needs counting
    if ((long) length * 3 > settings.maxKeyBytes()) {
      long bytes = encoded.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > settings.maxKeyBytes()) {
        statistics.rejectedEntries.increment();
        throw new EntryTooLargeException("A key of " + bytes + " bytes (encoded) is over the limit of "
            + settings.maxKeyBytes() + " bytes (maxKeyBytes); nothing was written");
      }
    }
    return encoded;
  }

  /** Encodes a value, refusing one over the size limit. */
  private byte[] encodeValue(V value) {
    byte[] bytes = codec.encodeValue(value);
    if (bytes.length > settings.maxValueBytes()) {
      statistics.rejectedEntries.increment();
      throw new EntryTooLargeException("A value of " + bytes.length + " bytes (serialized) is over the limit of "
          + settings.maxValueBytes() + " bytes (maxValueBytes); nothing was written");
    }
    return bytes;
  }

  /**
   * Runs a write on L2. If it fails, it may still have happened (a timeout after Redis applied it),
   * and then other JVMs were told but this one was not: the L1 copy is dropped before the failure
   * is thrown, and a promotion racing with it is voided.
   */
  private <T> T l2Write(K key, Supplier<T> operation, String name) {
    try {
      return l2(operation, name);
    } catch (CacheException e) {
      near.drop(key);
      throw e;
    }
  }

  /** Returns a map that holds {@code size} entries without resizing. */
  private static <A, B> Map<A, B> sized(int size) {
    return new HashMap<>((int) (size / 0.75f) + 1);
  }

  private ReentrantLock lock(K key) {
    return locks[stripe(key)];
  }

  private static int stripe(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
