package io.multitier.jcache.tier;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.SharedEvent;
import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The tiering engine as the JCache facade sees it: one logical map whose entries live in one or
 * more tiers. Reads go from the fastest tier to the slowest and promote what they find; writes
 * reach every tier; atomic steps run against the tier that other JVMs share.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Store<K, V> extends AutoCloseable {

  /**
   * Checks that the key and value can be stored, before a {@code CacheWriter} hears of them:
   * throws {@link IllegalArgumentException} for one over the configured size limit and
   * {@link io.multitier.jcache.copy.SerializationException} for one that cannot be serialized.
   * Only {@code putAll}, which tells the writer of every entry at once, needs it.
   */
  default void checkEntry(K key, V value) {}

  /** Returns the value, or {@code null} if no tier has it; a hit is an access for the expiry policy. */
  @Nullable V get(K key);

  /**
   * Does {@link #get} without holding the calling thread while a remote tier answers: a hit in this
   * JVM's tier completes the stage before it is returned; a failure, such as a
   * {@link javax.cache.CacheException}, is the stage's, never thrown. The default, for a store whose
   * tiers are all in this JVM, answers with {@link #get}'s value in a completed stage.
   */
  default CompletionStage<V> getAsync(K key) {
    try {
      return CompletableFuture.completedFuture(get(key));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Returns the value if this JVM's tier has it, counted and treated as a hit of {@link #get};
   * {@code null} says only that {@link #getAsync} is to be asked, which answers for every tier.
   */
  default @Nullable V getNear(K key) {
    return null;
  }

  /** Returns the present values of the keys; each hit is an access for the expiry policy. */
  Map<K, V> getAll(Collection<? extends K> keys);

  /** Does {@link #getAll} as {@link #getAsync} does {@link #get}. */
  default CompletionStage<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
    try {
      return CompletableFuture.completedFuture(getAll(keys));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Returns whether some tier has the key, without promoting it or counting as an access. */
  boolean containsKey(K key);

  /**
   * A decision of {@link #step}: the {@link Action} it stands for, with whatever its maker needs to
   * know afterwards of the step that was carried out.
   *
   * @param <V> the value type
   */
  interface Decision<V> {

    /** Returns what the engine is to do with the entry. */
    Action<V> action();
  }

  /**
   * Atomically decides from the current value ({@code null} if absent) what to do with the entry,
   * tells the writer the {@link Action} names once, carries the decision out and reports it; returns
   * the decision carried out. The function has no side effects: it may be asked again when another
   * JVM wins a race (never in a cache that writes through, whose steps hold the key's lease).
   */
  <D extends Decision<V>> D step(K key, Function<@Nullable V, D> decide, Committed<? super D> committed);

  /**
   * Stores the value, for the time to live {@code ttls} gives a new or a replaced entry, and returns
   * what the put found; the previous value is read back only if {@code needsPrevious}. The engine
   * picks how: in one round trip when the times are fixed and the cache has no writer, else as an
   * atomic step. {@code writeThrough} runs once before the change; if it throws, nothing changes.
   */
  Put<V> put(K key, V value, PutTtls ttls, boolean needsPrevious, WriteThrough writeThrough,
      Committed<? super Put<V>> committed);

  /**
   * Stores every entry, in as few round trips as the tiers allow, without reports (the caller
   * publishes no events for them); returns how many keys were present.
   */
  int putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent);

  /** Stores a loaded or computed value only if the key is absent, telling no writer; returns whether it did. */
  boolean putLoaded(K key, V value, Duration ttl, Committed<? super Boolean> committed);

  /** Removes the key and returns its value, or {@code null}; {@code writeThrough} as in {@link #getAndPut}. */
  @Nullable V getAndRemove(K key, WriteThrough writeThrough, Committed<? super @Nullable V> committed);

  /** Does {@link #getAndRemove} but returns only whether the key was present. */
  boolean remove(K key, WriteThrough writeThrough, Committed<? super Boolean> committed);

  /**
   * Removes every key, in as few round trips as the tiers allow, telling no writer and without
   * reports (the caller publishes no events for them); returns how many keys were present.
   */
  int removeAll(Collection<K> keys);

  /**
   * Loads a missing key and keeps what the load says, as {@link #putLoaded} does, reporting it if
   * kept; returns the loaded value. In a shared tier one client loads at a time: the one that holds
   * the key's lease (held for at most {@code lease}) loads and keeps the value before it gives the
   * lease back; the others wait, up to {@code maxWait}, for that value to appear, then load
   * themselves. A {@code lease} of zero takes none: every client loads. The load is user code: it
   * never runs while the engine holds a lock of this JVM.
   */
  @Nullable V loadShared(K key, Supplier<Loaded<V>> load, Duration lease, Duration maxWait,
      Committed<? super Loaded<V>> committed);

  /** Returns the keys present now. */
  Iterator<K> keys();

  /** Removes every entry of this cache from every tier. */
  void clear();

  /** Returns the cache's streams: the shared tier's when there is one, else the in-process tier's. */
  Optional<StreamingBackend> streams();

  /**
   * Registers the listener of changes this JVM did not make: entries the shared tier expired, and,
   * for a cache with cluster events, every other JVM's change. An L1-only store has none.
   */
  default void onSharedEvents(Consumer<SharedEvent<K, V>> listener) {}

  /** Reports the health of each tier, fastest first. */
  List<Health> health();

  /** Returns the per-tier counters. */
  TierStatistics statistics();

  /** Releases the tiers; shared data stays where it is. */
  @Override
  void close();
}
