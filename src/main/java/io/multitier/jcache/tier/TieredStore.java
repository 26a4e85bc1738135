package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.DegradationPolicy;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.tier.NearTier.Copy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Two tiers behind one map: a {@link NearTier} (this JVM's copies) in front of the authoritative
 * tier, an {@link L2CacheBackend} shared between JVMs that is the source of truth, and the
 * {@link LowerTiers} below it. This class only picks the path of each operation; the work is done by:
 *
 * <ul>
 *   <li>{@link TierReads}: reads, and promotion of what they find into the faster tiers;
 *       {@link AsyncReads}: the same reads holding no thread while the shared tier answers;
 *   <li>{@link AtomicSteps}: atomic steps (decide, tell the writer once, compare-and-set) and
 *       loads under a key's lease;
 *   <li>{@link PlainWrites}: writes that take no lease;
 *   <li>{@link Accesses}: the expiry policy's access rule;
 *   <li>{@link SharedTierGuard}: the shared tier's failures (the {@link DegradationPolicy}),
 *       recovery, and the subscription to other JVMs' changes, which {@link SharedNotices} decodes;
 *   <li>{@link LimitedCodec}: the encoded form of keys and values, and its size limits;
 *   <li>{@link Stripes}: within this JVM, writes to one key are serialised by its stripe's lock.
 * </ul>
 *
 * <p>In a cache that writes through, every put and remove is an atomic step under the key's lease,
 * so that the writer hears of each change once and in the order of all JVMs.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class TieredStore<K, V> implements Store<K, V> {

  private final NearTier<K, V> near;
  private final L2CacheBackend<String, byte[]> l2;
  private final LowerTiers lower;
  private final LimitedCodec<K, V> codec;
  private final SharedTierGuard<K, V> shared;
  private final Accesses<K, V> accesses;
  private final TierReads<K, V> reads;
  private final AsyncReads<K, V> asyncReads;
  private final AtomicSteps<K, V> steps;
  private final PlainWrites<K, V> writes;
  private final StoreSettings settings;
  private final TierStatistics statistics;

  TieredStore(NearTier<K, V> near, L2CacheBackend<String, byte[]> l2, LowerTiers lower,
      EntryCodec<K, V> codec, StoreSettings settings, Supplier<Duration> accessTtl, TierStatistics statistics) {
    this.near = requireNonNull(near, "near");
    this.l2 = requireNonNull(l2, "l2");
    this.lower = requireNonNull(lower, "lower");
    this.settings = requireNonNull(settings, "settings");
    this.statistics = requireNonNull(statistics, "statistics");
    this.codec = new LimitedCodec<>(codec, settings.maxKeyBytes(), settings.maxValueBytes(), statistics, l2.name());
    SharedNotices<K, V> notices = new SharedNotices<>(near, this.codec, statistics);
    this.shared = new SharedTierGuard<>(l2, near, notices, settings.degradation(), statistics);
    Tiers<K, V> tiers = new Tiers<>(near, l2, shared, lower, this.codec, new Stripes(), settings, statistics);
    this.accesses = new Accesses<>(tiers, accessTtl);
    this.reads = new TierReads<>(tiers, accesses);
    // what follows an asynchronous read runs where CompletableFuture's asynchronous steps run by default
    this.asyncReads = new AsyncReads<>(tiers, reads, ForkJoinPool.commonPool());
    Leases leases = new Leases(l2, shared, settings);
    this.steps = new AtomicSteps<>(tiers, reads, accesses, leases);
    this.writes = new PlainWrites<>(tiers, reads, leases);
    shared.start();
  }

  @Override
  public @Nullable V get(K key) {
    return reads.get(key);
  }

  @Override
  public @Nullable V getNear(K key) {
    Copy<V> copy = reads.nearHit(key);
    return (copy == null) ? null : copy.value;
  }

  @Override
  public CompletionStage<V> getAsync(K key) {
    return asyncReads.get(key);
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    return reads.getAll(keys);
  }

  @Override
  public CompletionStage<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
    return asyncReads.getAll(keys);
  }

  @Override
  public boolean containsKey(K key) {
    return reads.containsKey(key);
  }

  @Override
  public <D extends Decision<V>> D step(K key, Function<@Nullable V, D> decide, Committed<? super D> committed) {
    return steps.step(key, decide, committed);
  }

  // only a cache with a writer has a writer call, and its settings say writesThrough: a write
  // without a lease never tells a writer

  @Override
  public Put<V> put(K key, V value, PutTtls ttls, boolean needsPrevious, WriteThrough writeThrough,
      Committed<? super Put<V>> committed) {
    if (settings.writesThrough() || !ttls.fixed()) {
      return steps.step(key, PutStep.of(value, ttls, writeThrough), step -> committed.report(step.put())).put();
    }
    assert writeThrough == WriteThrough.none() : "a writer call in a cache that does not write through";
    Duration ifAbsent = ttls.ifAbsent();
    Duration ifPresent = ttls.ifPresent();
    return needsPrevious
        ? writes.getAndPut(key, value, ifAbsent, ifPresent, committed)
        : writes.put(key, value, ifAbsent, ifPresent, committed);
  }

  @Override
  public int putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    return writes.putAll(entries, ttlIfAbsent, ttlIfPresent);
  }

  @Override
  public boolean putLoaded(K key, V value, Duration ttl, Committed<? super Boolean> committed) {
    return writes.putLoaded(key, value, ttl, committed);
  }

  @Override
  public @Nullable V getAndRemove(K key, WriteThrough writeThrough, Committed<? super @Nullable V> committed) {
    if (settings.writesThrough()) {
      return steps.step(key, current -> new Seen<>(Action.<V>remove().withWriter(writeThrough), current),
          seen -> Committed.reportFound(committed, seen::current)).current();
    }
    assert writeThrough == WriteThrough.none() : "a writer call in a cache that does not write through";
    return writes.getAndRemove(key, committed);
  }

  @Override
  public boolean remove(K key, WriteThrough writeThrough, Committed<? super Boolean> committed) {
    if (settings.writesThrough()) {
      return steps.step(key, current -> new Seen<>(Action.<V>remove().withWriter(writeThrough), current),
          seen -> committed.report(seen.current() != null)).current() != null;
    }
    assert writeThrough == WriteThrough.none() : "a writer call in a cache that does not write through";
    return writes.remove(key, committed);
  }

  @Override
  public int removeAll(Collection<K> keys) {
    return writes.removeAll(keys);
  }

  /** A put's or remove's decision in a cache that writes through, with the value it was made from. */
  private record Seen<V>(Action<V> action, @Nullable V current) implements Decision<V> {}

  @Override
  public void checkEntry(K key, V value) {
    codec.encodeKey(key);
    codec.encodeValue(value);
  }

  @Override
  public Iterator<K> keys() {
    return reads.keys();
  }

  @Override
  public void clear() {
    writes.clear();
  }

  @Override
  public @Nullable V loadShared(K key, Supplier<Loaded<V>> load, Duration lease, Duration maxWait,
      Committed<? super Loaded<V>> committed) {
    return steps.loadShared(key, load, lease, maxWait, loaded -> writes.putLoaded(key, requireNonNull(loaded.stored(), "a kept load stores a value"), loaded.ttl(),
        stored -> {
          if (stored) {
            committed.report(loaded);
          }
        }));
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
}
