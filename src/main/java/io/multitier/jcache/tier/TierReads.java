package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.tier.NearTier.Copy;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of a tiered cache: the near tier first, then the shared tier in one round trip that also
 * returns the remaining time to live, then the tiers below it. A hit is promoted into the faster
 * tiers for no longer than it lives where it was found.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TierReads<K, V> {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<K, V> shared;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final Accesses<K, V> accesses;
  private final TierStatistics statistics;

  TierReads(Tiers<K, V> tiers, Accesses<K, V> accesses) {
    this.near = tiers.near();
    this.l2 = tiers.l2();
    this.shared = tiers.shared();
    this.lower = tiers.lower();
    this.codec = tiers.codec();
    this.accesses = requireNonNull(accesses, "accesses");
    this.statistics = tiers.statistics();
  }

  /** Returns the value from the fastest tier that has it, promoting a hit; a hit is an access. */
  @Nullable V get(K key) {
    Copy<V> copy = nearHit(key);
    return (copy == null) ? getShared(key) : copy.value;
  }

  /** Reads a key this JVM holds no copy of from the authoritative tier (and those below it), promoting a hit. */
  private @Nullable V getShared(K key) {
    long epoch = near.epoch(key);
    long asked = near.now();
    String encoded = codec.encodeKey(key);
    // a miss (null) travels as an empty Optional: JDK 17's NullAway takes no null for the fallback R
    return shared.read(() -> shared.call(() -> l2.getWithTtl(encoded), "get"),
        found -> Optional.ofNullable(fromShared(key, encoded, found, asked, epoch)), Optional.<V>empty()).orElse(null);
  }

  /** Takes what the authoritative tier answered ({@code null}: absent) to a read sent at {@code asked}. */
  @Nullable V fromShared(K key, String encoded, @Nullable ValueWithTtl<byte[]> found, long asked, long epoch) {
    V decoded = (found == null) ? null : codec.decodeValue(found.value());
    if (found == null || decoded == null) {
      V fromBelow = (found == null) ? fromLowerTiers(key, encoded, asked, epoch) : null;
      if (fromBelow == null) {
        statistics.misses.increment();
      }
      return fromBelow;
    }
    statistics.l2Hits.increment();
    Copy<V> promoted = near.promote(key, decoded, found.ttl(), asked, epoch);
    accesses.accessed(key, encoded, promoted, NearTier.deadline(asked, found.ttl()));
    return decoded;
  }

  /**
   * Reads a key L2 does not have from the tiers below it; a hit that its tier's policy promotes is
   * copied into L2 (unless a writer got there first), the lower tiers above it, and L1, each for
   * what it still lives in the tier it came from.
   */
  private @Nullable V fromLowerTiers(K key, String encoded, long asked, long epoch) {
    LowerTiers.Found found = lower.find(encoded, false);
    V value = (found == null) ? null : codec.decodeValue(found.bytes());
    if (found == null || value == null) {
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

  /** Before a write: brings an entry only the lower tiers hold back into L2, so the write sees it. */
  void pullUp(K key, String encoded) {
    if (lower.isEmpty() || shared.call(() -> l2.getWithTtl(encoded), "get") != null) {
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
    return !left.isZero() && shared.write(key, () -> l2.putIfAbsent(encoded, found.bytes(), left), "promote");
  }

  /** Returns the present values of the keys, in one round trip for those this JVM holds no copy of. */
  Map<K, V> getAll(Collection<? extends K> keys) {
    Batch<K, V> batch = nearFirst(keys);
    if (batch.missing.isEmpty()) {
      return batch.found;
    }
    long asked = near.now();
    Map<String, ValueWithTtl<byte[]>> fromL2 = shared.read(
        () -> shared.call(() -> l2.getAllWithTtl(batch.missing.keySet()), "getAll"), answer -> answer, Map.of());
    return fromShared(batch, fromL2, asked);
  }

  /** Returns this JVM's copy of the key, counted as an L1 hit and an access, or {@code null}. */
  @Nullable Copy<V> nearHit(K key) {
    Copy<V> copy = near.copy(key);
    if (copy != null) {
      statistics.l1Hits.increment();
      if (!near.vouched()) {
        statistics.unvouchedHits.increment();
      }
      accesses.accessed(key, null, copy, 0L);
    }
    return copy;
  }

  /**
   * What {@link #getAll} found in the near tier, and what it still has to ask the authoritative
   * tier: the missing keys by their encoded form, with the invalidation epoch each had before.
   */
  static final class Batch<K, V> {
    final int size;
    final Map<K, V> found;
    final Map<String, K> missing;
    final Map<K, Long> epochsBefore;

    private Batch(int size) {
      this.size = size;
      this.found = sized(size);
      this.missing = sized(size);
      this.epochsBefore = sized(size);
    }
  }

  /** Answers what it can of a {@link #getAll} from the near tier, counting each hit as an access. */
  Batch<K, V> nearFirst(Collection<? extends K> keys) {
    Batch<K, V> batch = new Batch<>(keys.size());
    for (K key : keys) {
      Copy<V> copy = nearHit(key);
      if (copy != null) {
        batch.found.put(key, copy.value);
      } else if (!batch.epochsBefore.containsKey(key)) {
        batch.epochsBefore.put(key, near.epoch(key));
        batch.missing.put(codec.encodeKey(key), key);
      }
    }
    return batch;
  }

  /** Adds what the authoritative tier answered to a read of the batch's missing keys sent at {@code asked}, promoting each hit. */
  Map<K, V> fromShared(Batch<K, V> batch, Map<String, ValueWithTtl<byte[]>> fromL2, long asked) {
    Map<K, V> found = batch.found;
    for (Map.Entry<String, ValueWithTtl<byte[]>> entry : fromL2.entrySet()) {
      K key = batch.missing.get(entry.getKey());
      V value = codec.decodeValue(entry.getValue().value());
      if (key != null && value != null) {
        statistics.l2Hits.increment();
        found.put(key, value);
        Duration ttl = entry.getValue().ttl();
        Copy<V> promoted = near.promote(key, value, ttl, asked,
            requireNonNull(batch.epochsBefore.get(key), "noted with the key"));
        accesses.accessed(key, entry.getKey(), promoted, NearTier.deadline(asked, ttl));
      }
    }
    statistics.misses.add(batch.size - found.size());
    return found;
  }

  /** Returns whether the near or the authoritative tier has the key, without promoting it. */
  boolean containsKey(K key) {
    if (near.copy(key) != null) {
      return true;
    }
    String encoded = codec.encodeKey(key);
    return shared.read(() -> shared.call(() -> l2.getWithTtl(encoded), "containsKey"),
        found -> found != null && codec.decodeValue(found.value()) != null, false);
  }

  /** Reads L1, then L2, without counting the read in the statistics. */
  @Nullable V quietGet(K key, String encoded) {
    Copy<V> copy = near.copy(key);
    if (copy != null) {
      return copy.value;
    }
    ValueWithTtl<byte[]> found = shared.call(() -> l2.getWithTtl(encoded), "get");
    return (found == null) ? null : codec.decodeValue(found.value());
  }

  /** Returns the keys the authoritative tier holds now; a key that is not one of this cache's is skipped. */
  Iterator<K> keys() {
    Iterator<String> encoded = shared.call(l2::keys, "keys");
    return new Iterator<>() {
      private @Nullable K next;

      @Override
      public boolean hasNext() {
        while (next == null && shared.call(encoded::hasNext, "keys")) {
          String candidate = shared.call(encoded::next, "keys");
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
        K key = requireNonNull(next, "hasNext found one");
        next = null;
        return key;
      }
    };
  }

  /** Returns a map that holds {@code size} entries without resizing. */
  private static <A, B> Map<A, B> sized(int size) {
    return new HashMap<>((int) (size / 0.75f) + 1);
  }
}
