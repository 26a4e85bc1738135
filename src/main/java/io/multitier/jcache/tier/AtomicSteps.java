package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Change;
import io.multitier.jcache.spi.Expected;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Lease;
import io.multitier.jcache.spi.LeaseWhen;
import io.multitier.jcache.spi.ReadForUpdate;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.tier.NearTier.Copy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * Atomic steps on one key of a tiered cache, and loads under the key's lease.
 *
 * <p>A step reads the entry, asks its {@link Action} decision (a function without side effects),
 * tells the {@code CacheWriter} once, and commits with a compare-and-set. When the cache writes
 * through (or loads under a stampede lease), the read also takes the key's lease in the same round
 * trip and the commit gives it back, so no other JVM's step on that key runs between: the decision
 * is final and the writer hears of it once. Without a writer a step that loses a race is decided
 * again, and a step on an entry this JVM holds a copy of is first tried in one round trip.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class AtomicSteps<K, V> {

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<K, V> shared;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final Stripes stripes;
  private final TierReads<K, V> reads;
  private final Accesses<K, V> accesses;
  private final Leases leases;
  private final StoreSettings settings;
  private final TierStatistics statistics;

  AtomicSteps(Tiers<K, V> tiers, TierReads<K, V> reads, Accesses<K, V> accesses, Leases leases) {
    this.near = tiers.near();
    this.l2 = tiers.l2();
    this.shared = tiers.shared();
    this.lower = tiers.lower();
    this.codec = tiers.codec();
    this.stripes = tiers.stripes();
    this.reads = requireNonNull(reads, "reads");
    this.accesses = requireNonNull(accesses, "accesses");
    this.leases = requireNonNull(leases, "leases");
    this.settings = tiers.settings();
    this.statistics = tiers.statistics();
  }

  /**
   * Decides from the current value what to do with the entry, tells the writer once, carries the
   * decision out and reports it under the key's lock; returns the decision carried out.
   */
  <D extends Store.Decision<V>> D step(K key, Function<@Nullable V, D> decide, Committed<? super D> committed) {
    String encoded = codec.encodeKey(key);
    if (!settings.writesThrough()) {
      D onCopy = computeOnCopy(key, encoded, decide, committed);
      if (onCopy != null) {
        return onCopy;
      }
    }
    Lease owner = leases.taken() ? leases.held() : Lease.none();
    Backoff backoff = new Backoff();
    for (;;) {
      ReentrantLock lock = stripes.lock(key);
      lock.lock();
      try {
        reads.pullUp(key, encoded);
        for (;;) {
          long asked = near.now();
          ReadForUpdate<byte[]> read = owner.isNone()
              ? ReadForUpdate.unleased(shared.call(() -> l2.getWithTtl(encoded), "compute"))
              : shared.call(() -> l2.readForUpdate(encoded, owner,
                  settings.writesThrough() ? LeaseWhen.ALWAYS : LeaseWhen.IF_ABSENT), "compute");
          if (read.blocked()) {
            break;
          }
          D decided = attempt(key, encoded, read, owner, asked, decide);
          if (decided != null) {
            committed.report(decided);
            return decided;
          }
        }
      } finally {
        lock.unlock();
      }
      // another JVM holds the lease: wait for it outside the lock, so that this JVM's holder can finish
      statistics.leaseWaits.increment();
      if (backoff.waited() > 3 * leases.duration().toNanos()) {
        throw new CacheException(l2.name() + ": the lease of a key was held by another client for over "
            + TimeUnit.NANOSECONDS.toMillis(backoff.waited()) + " ms; an atomic step gave up (writeLease bounds how long one may hold it)");
      }
      backoff.pause();
    }
  }

  /**
   * Tries an atomic step in one round trip, deciding from this JVM's copy and committing with a
   * compare-and-set against the copy's encoded bytes; a decision that changes nothing only checks
   * that L2 still holds them. Not done (L2 is then read as usual) without a copy or when L2 holds
   * something else. Only for a cache without a writer: no lease is taken. Returns the decision
   * carried out and reported, or {@code null} if not done.
   */
  private <D extends Store.Decision<V>> @Nullable D computeOnCopy(K key, String encoded, Function<@Nullable V, D> decide,
      Committed<? super D> committed) {
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      Copy<V> copy = near.copy(key);
      if (copy == null) {
        return null;
      }
      byte[] held;
      try {
        held = codec.encodeValueUnlimited(copy.value);
      } catch (RuntimeException e) {
        return null;
      }
      D decided = decide.apply(copy.value);
      Action<V> action = decided.action();
      if (action.kind == Action.Kind.KEEP || action.kind == Action.Kind.ACCESS) {
        if (!shared.call(() -> l2.holds(encoded, held), "compute")) {
          return null;
        }
        if (action.kind == Action.Kind.ACCESS) {
          accesses.accessed(key, encoded, copy, 0L);
        }
        committed.report(decided);
        return decided;
      }
      long asked = near.now();
      ValueWithTtl<byte[]> current = new ValueWithTtl<>(held, sharedTtl(copy, asked));
      if (!carryOut(key, encoded, current, copy.value, asked, action, Lease.none())) {
        return null;
      }
      committed.report(decided);
      return decided;
    } finally {
      lock.unlock();
    }
  }

  /** Returns what a copy's entry had left in L2 at {@code now}, as far as this JVM knows. */
  private static Duration sharedTtl(Copy<?> copy, long now) {
    long deadline = copy.sharedDeadline;
    return (deadline == NearTier.NEVER) ? Ttl.ETERNAL : Duration.ofNanos(Math.max(1, deadline - now));
  }

  /**
   * Decides, tells the writer, and commits, once; gives back a lease the read took however it ends.
   * Returns the decision committed, or {@code null} if another writer won and the step must read again.
   */
  private <D extends Store.Decision<V>> @Nullable D attempt(K key, String encoded, ReadForUpdate<byte[]> read, Lease owner,
      long asked, Function<@Nullable V, D> decide) {
    Lease holder = read.leased() ? owner : Lease.none();
    try {
      ValueWithTtl<byte[]> current = read.current();
      V value = (current == null) ? null : codec.decodeValue(current.value());
      if (current != null && value == null) {
        // undecodable bytes: removed, then the step reads again (still holding the lease)
        shared.write(key, () -> l2.commit(encoded, Expected.value(current.value()), Change.remove(), Lease.none()), "compute");
        return null;
      }
      D decided = decide.apply(value);
      boolean committed = carryOut(key, encoded, current, value, asked, decided.action(), holder);
      holder = Lease.none();
      return committed ? decided : null;
    } finally {
      if (!holder.isNone()) {
        leases.releaseQuietly(encoded, holder);
      }
    }
  }

  /**
   * Carries out one decision: encodes it (size limits first), tells the writer, then commits it on
   * L2 with compare-and-set, giving back {@code holder}'s lease; returns false if another writer won.
   */
  private boolean carryOut(K key, String encoded, @Nullable ValueWithTtl<byte[]> current, @Nullable V value, long asked,
      Action<V> action, Lease holder) {
    Action.Kind kind = action.kind;
    Duration ttl = (kind == Action.Kind.PUT) ? requireNonNull(action.ttl, "a put has a ttl") : Ttl.UNCHANGED;
    if (kind == Action.Kind.PUT && !Ttl.isUnchanged(ttl) && ttl.isZero()) {
      kind = Action.Kind.REMOVE;
    } else if (kind == Action.Kind.PUT && Ttl.isUnchanged(ttl) && current == null) {
      ttl = Ttl.ETERNAL;
    }
    if (kind == Action.Kind.REMOVE && current == null) {
      kind = Action.Kind.KEEP;
    }
    V stored = action.value;
    byte[] bytes = (kind == Action.Kind.PUT) ? codec.encodeValue(requireNonNull(stored, "a put has a value")) : null;
    action.runWriter();
    if (kind == Action.Kind.KEEP || kind == Action.Kind.ACCESS) {
      if (!holder.isNone()) {
        leases.release(encoded, holder);
      }
      if (current != null && value != null) {
        Copy<V> copy = near.fill(key, value, current.ttl(), asked);
        if (kind == Action.Kind.ACCESS) {
          accesses.accessed(key, encoded, copy, NearTier.deadline(asked, current.ttl()));
        }
      }
      return true;
    }
    Expected<byte[]> expected = (current == null) ? Expected.absent() : Expected.value(current.value());
    Change<byte[]> change = (bytes == null) ? Change.remove() : Change.store(bytes, ttl);
    long since = near.now();
    boolean committed = shared.write(key, () -> l2.commit(encoded, expected, change, holder),
        (kind == Action.Kind.REMOVE) ? "remove" : "replace");
    if (!committed) {
      return false;
    }
    shared.written(key);
    if (kind == Action.Kind.REMOVE || bytes == null || stored == null) {
      lower.removed(encoded);
      near.drop(key);
    } else {
      lower.written(encoded, bytes, ttl);
      // an unchanged expiry keeps L2's own; the copy gets what remained at the read, counted from it
      if (!l2.tellsWriters()) {
        near.drop(key);
      } else if (Ttl.isUnchanged(ttl)) {
        near.fill(key, stored, requireNonNull(current, "only a present entry keeps its expiry").ttl(), asked);
      } else {
        near.fill(key, stored, ttl, since);
      }
    }
    return true;
  }

  /**
   * Loads a missing key and keeps the loaded value with {@code keep} while holding the key's lease,
   * so that the other clients, which wait up to {@code maxWait} for it, find it; returns the value.
   * The load runs under no lock of this JVM.
   */
  @Nullable V loadShared(K key, Supplier<Loaded<V>> load, Duration lease, Duration maxWait, Consumer<Loaded<V>> keep) {
    if (lease.isZero()) {
      return loadAndKeep(load, keep);
    }
    String encoded = codec.encodeKeyUnlimited(key);
    Lease owner = Lease.of(leases.owner(), lease);
    Backoff backoff = new Backoff();
    for (;;) {
      if (shared.call(() -> l2.acquireLease(encoded, owner), "acquireLease")) {
        try {
          V loadedElsewhere = reads.quietGet(key, encoded);
          return (loadedElsewhere != null) ? loadedElsewhere : loadAndKeep(load, keep);
        } finally {
          leases.release(encoded, owner);
        }
      }
      V loadedElsewhere = reads.quietGet(key, encoded);
      if (loadedElsewhere != null) {
        return loadedElsewhere;
      }
      if (backoff.waited() > maxWait.toNanos()) {
        return loadAndKeep(load, keep);
      }
      backoff.pause();
    }
  }

  private static <V> @Nullable V loadAndKeep(Supplier<Loaded<V>> load, Consumer<Loaded<V>> keep) {
    Loaded<V> loaded = load.get();
    if (loaded.kept()) {
      keep.accept(loaded);
    }
    return loaded.value();
  }
}
