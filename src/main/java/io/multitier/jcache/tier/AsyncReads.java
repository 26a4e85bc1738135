package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.tier.NearTier.Copy;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Reads of a tiered cache that hold no thread while the shared tier answers. A near hit is
 * answered at once, as {@link TierReads} answers it, in an already completed stage; a miss sends
 * the shared tier's read asynchronously, and {@link TierReads} takes its answer (promotion from the
 * moment the read was sent, the epoch check, the statistics, the tiers below) on the executor,
 * the degradation policy applied by {@link SharedTierGuard} as for a synchronous read. The tiers
 * below the shared one are still asked synchronously, on the executor.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class AsyncReads<K, V> {

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<K, V> shared;
  private final LimitedCodec<K, V> codec;
  private final TierReads<K, V> reads;
  private final Executor executor;

  /** {@code executor} runs what follows the shared tier's answer, which may block (lower tiers, a recovery). */
  AsyncReads(Tiers<K, V> tiers, TierReads<K, V> reads, Executor executor) {
    this.near = tiers.near();
    this.l2 = tiers.l2();
    this.shared = tiers.shared();
    this.codec = tiers.codec();
    this.reads = requireNonNull(reads, "reads");
    this.executor = requireNonNull(executor, "executor");
  }

  /** Does {@link TierReads#get}: a near hit's stage is complete on return; a failure is the stage's. */
  CompletionStage<V> get(K key) {
    try {
      Copy<V> copy = reads.nearHit(key);
      if (copy != null) {
        return CompletableFuture.completedFuture(copy.value);
      }
      long epoch = near.epoch(key);
      long asked = near.now();
      String encoded = codec.encodeKey(key);
      // a miss (null) travels as an empty Optional, as in TierReads.getShared
      return shared.readAsync(() -> l2.getWithTtlAsync(encoded), "get",
          found -> Optional.ofNullable(reads.fromShared(key, encoded, found, asked, epoch)), Optional.<V>empty(),
          executor).thenApply(value -> value.orElse(null));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Does {@link TierReads#getAll}: complete on return when the near tier has every key; a failure is the stage's. */
  CompletionStage<Map<K, V>> getAll(Collection<? extends K> keys) {
    try {
      TierReads.Batch<K, V> batch = reads.nearFirst(keys);
      if (batch.missing.isEmpty()) {
        return CompletableFuture.completedFuture(batch.found);
      }
      long asked = near.now();
      // as TierReads.getAll: a degraded read answers nothing from L2, and the near tier's hits still count
      return shared.<Map<String, ValueWithTtl<byte[]>>, Map<String, ValueWithTtl<byte[]>>>readAsync(
          () -> l2.getAllWithTtlAsync(batch.missing.keySet()), "getAll", answer -> answer, Map.of(), executor)
          .thenApply(fromL2 -> reads.fromShared(batch, fromL2, asked));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
