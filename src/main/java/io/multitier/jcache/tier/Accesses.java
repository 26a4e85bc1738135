package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.tier.NearTier.Copy;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Applies the expiry policy's access rule to entries that were just read. An access that lengthens
 * an entry's life costs no round trip: the near copy lives longer, and the shared tier's time to
 * live follows later, in batches, at most once per key per half of the access duration
 * ({@link TtlExtender}), without a notice. An access that shortens it is sent at once, with a
 * notice to the other JVMs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Accesses<K, V> {

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<K, V> shared;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final Stripes stripes;
  private final Supplier<Duration> accessTtl;
  private final TtlExtender extender;

  Accesses(Tiers<K, V> tiers, Supplier<Duration> accessTtl) {
    this.near = tiers.near();
    this.l2 = tiers.l2();
    this.shared = tiers.shared();
    this.lower = tiers.lower();
    this.codec = tiers.codec();
    this.stripes = tiers.stripes();
    this.accessTtl = requireNonNull(accessTtl, "accessTtl");
    this.extender = new TtlExtender(l2, tiers.statistics());
  }

  /**
   * Applies the access rule to a present entry that was just read: the near copy (if any) lives
   * longer, and the authoritative tier's time to live follows lazily, without a notice; a rule that
   * shortens the entry's life is sent at once. {@code encoded} may be {@code null} (encoded here if
   * needed); {@code sharedDeadline} is used when there is no copy.
   */
  void accessed(K key, @Nullable String encoded, @Nullable Copy<V> copy, long sharedDeadline) {
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
      extender.extend((encoded == null) ? codec.encodeKey(key) : encoded, ttl);
    }
  }

  /** Sends the extensions still waiting for their batch. */
  void flush() {
    extender.flush();
  }

  /** Sets a shorter time to live on a present entry in both tiers (zero removes it), telling other JVMs. */
  private void shorten(K key, Duration ttl, long since) {
    String encoded = codec.encodeKey(key);
    ReentrantLock lock = stripes.lock(key);
    lock.lock();
    try {
      // the read itself succeeded; a failed write dropped the copy
      boolean set = shared.read(() -> shared.write(key, () -> l2.setTtl(encoded, ttl), "setTtl"), answer -> true, false);
      if (!set) {
        return;
      }
      shared.written(key);
      lower.removed(encoded);
      Copy<V> copy = near.copy(key);
      if (copy != null) {
        near.fill(key, copy.value, ttl, since);
      }
    } finally {
      lock.unlock();
    }
  }
}
