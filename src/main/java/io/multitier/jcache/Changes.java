package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.integration.Writing;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.Committed;
import io.multitier.jcache.tier.Put;
import io.multitier.jcache.tier.PutTtls;
import io.multitier.jcache.tier.Action;
import io.multitier.jcache.tier.WriteThrough;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.event.EventType;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import org.jspecify.annotations.Nullable;

/**
 * The cache's writes of one key, each JSR-107's rule for its operation carried out by the engine
 * in one call and reported through {@link Outcomes}. Keys and values arrive checked; {@code copy}
 * is what the cache keeps of them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Changes<K, V> {

  private final Store<K, V> store;
  private final ExpiryCalculator expiry;
  private final @Nullable CacheWriter<K, V> writer;
  private final EventDispatcher<K, V> dispatcher;
  private final Outcomes<K, V> outcomes;
  /** The expiry policy's answers for a put, asked by the engine when it needs them. */
  private final PutTtls ttls;

  Changes(Store<K, V> store, ExpiryCalculator expiry, @Nullable CacheWriter<K, V> writer,
      EventDispatcher<K, V> dispatcher, Outcomes<K, V> outcomes) {
    this.store = requireNonNull(store);
    this.expiry = requireNonNull(expiry);
    this.writer = writer;
    this.dispatcher = requireNonNull(dispatcher);
    this.outcomes = requireNonNull(outcomes);
    this.ttls = new PutTtls() {
      @Override
      public Duration ifAbsent() {
        return expiry.creation();
      }

      @Override
      public Duration ifPresent() {
        return expiry.update();
      }

      @Override
      public boolean fixed() {
        return expiry.isFixed();
      }
    };
  }

  /**
   * Stores the value with creation or update expiry, telling the writer first; the outcome holds
   * the previous value and counts as a read if {@code returnsPrevious}.
   */
  Outcome<V> put(K key, V value, Map.Entry<K, V> copy, boolean returnsPrevious) {
    return put(key, value, copy, writeThrough(key, value), returnsPrevious);
  }

  /** Stores a value without telling the writer (it heard of it already, or the value was loaded). */
  void putUnwritten(K key, V value, Map.Entry<K, V> copy) {
    put(key, value, copy, WriteThrough.none(), false);
  }

  private Outcome<V> put(K key, V value, Map.Entry<K, V> copy, WriteThrough writeThrough, boolean returnsPrevious) {
    boolean needsPrevious = returnsPrevious || dispatcher.listensTo(EventType.UPDATED);
    return outcomes.apply(key,
        committed -> store.put(copy.getKey(), copy.getValue(), ttls, needsPrevious, writeThrough, committed),
        (Put<V> put) -> {
          Outcome<V> outcome = put.present() ? Outcome.updated(put.previous(), value)
              : put.created() ? Outcome.created(value) : Outcome.unchanged();
          return returnsPrevious ? outcome.read(put.present()) : outcome;
        });
  }

  /**
   * Tells the writer of all the entries at once, then stores those it wrote; returns its failure,
   * for the caller to throw once they are stored, or {@code null}.
   */
  @Nullable CacheWriterException putAll(Map<? extends K, ? extends V> entries, Map<K, Map.Entry<K, V>> copies) {
    Map<K, V> toStore = new LinkedHashMap<>(entries);
    CacheWriterException failure = null;
    if (writer != null && !entries.isEmpty()) {
      Collection<Cache.Entry<? extends K, ? extends V>> unwritten = new ArrayList<>(entries.size());
      entries.forEach((key, value) -> unwritten.add(new CacheEntry<>(key, value)));
      try {
        Writing.writeAll(writer, unwritten);
      } catch (CacheWriterException e) {
        failure = e;
        unwritten.forEach(entry -> toStore.remove(entry.getKey()));
      }
    }
    putAllUnwritten(toStore, copies);
    return failure;
  }

  /**
   * Stores entries the writer heard of already: in one step of the store (one round trip to a
   * shared tier) when the expiry times are fixed and no listener needs events, else one by one.
   */
  private void putAllUnwritten(Map<K, V> entries, Map<K, Map.Entry<K, V>> copies) {
    if (expiry.isFixed() && !dispatcher.hasListeners() && entries.size() > 1) {
      Map<K, V> stored = new LinkedHashMap<>(entries.size());
      entries.keySet().forEach(key -> {
        Map.Entry<K, V> copy = requireNonNull(copies.get(key), "every entry has its copy");
        stored.put(copy.getKey(), copy.getValue());
      });
      int present = store.putAll(stored, expiry.creation(), expiry.update());
      outcomes.countPuts(expiry.creation().isZero() ? present : stored.size());
    } else {
      entries.forEach((key, value) -> putUnwritten(key, value, requireNonNull(copies.get(key), "every entry has its copy")));
    }
  }

  /** Stores the value if the key is absent, telling the writer first; returns whether it did. */
  boolean putIfAbsent(K key, V value, Map.Entry<K, V> copy) {
    WriteThrough writeThrough = writeThrough(key, value);
    return step(key, copy.getKey(), current -> {
      if (current != null) {
        return Outcome.<V>unchanged().read(true).by(Action.keep());
      }
      Duration ttl = expiry.creation();
      if (ttl.isZero()) {
        // created and expired at once: not added, so counted like a present key
        return Outcome.<V>unchanged().read(true).by(Action.<V>keep().withWriter(writeThrough));
      }
      return Outcome.created(value).read(false).by(Action.put(copy.getValue(), ttl).withWriter(writeThrough));
    }).changed();
  }

  /** Stores a loaded value if the key is still absent, without telling the writer. */
  void putLoaded(K key, V value, Map.Entry<K, V> copy, Duration ttl) {
    outcomes.apply(key, committed -> store.putLoaded(copy.getKey(), copy.getValue(), ttl, committed),
        (Boolean stored) -> stored ? Outcome.loaded(value) : Outcome.<V>unchanged());
  }

  /** Replaces the value if the key has {@code expected}, telling the writer first; returns whether it did. */
  boolean replace(K key, V expected, V value, V stored) {
    WriteThrough writeThrough = writeThrough(key, value);
    return step(key, key, current -> {
      if (current == null) {
        return Outcome.<V>unchanged().read(false).by(Action.keep());
      }
      if (!current.equals(expected)) {
        return Outcome.<V>unchanged().read(true).by(Action.access());
      }
      return Outcome.updated(current, value).read(true)
          .by(Action.put(stored, expiry.update()).withWriter(writeThrough));
    }).changed();
  }

  /** Replaces the value if the key is present, telling the writer first; returns the replaced value, or {@code null}. */
  @Nullable V replace(K key, V value, V stored) {
    WriteThrough writeThrough = writeThrough(key, value);
    return step(key, key, current -> (current == null)
        ? Outcome.<V>unchanged().read(false).by(Action.keep())
        : Outcome.updated(current, value).read(true)
            .by(Action.put(stored, expiry.update()).withWriter(writeThrough))).old();
  }

  /** Removes the key, telling the writer first; returns whether it was present. */
  boolean remove(K key) {
    return remove(key, deleteThrough(key));
  }

  /**
   * Tells the writer of the removal of all the keys at once, then removes those it deleted;
   * returns its failure, for the caller to throw once they are removed, or {@code null}.
   */
  @Nullable CacheWriterException removeAll(Collection<K> keys) {
    Set<K> toRemove = new HashSet<>(keys);
    CacheWriterException failure = null;
    if (writer != null && !keys.isEmpty()) {
      Collection<Object> undeleted = new ArrayList<>(keys);
      try {
        Writing.deleteAll(writer, undeleted);
      } catch (CacheWriterException e) {
        failure = e;
        toRemove.removeAll(undeleted);
      }
    }
    if (writer == null && !dispatcher.hasListeners() && toRemove.size() > 1) {
      // no event to publish and no lease to hold: one step of the store, one round trip to a shared tier
      outcomes.countRemovals(store.removeAll(toRemove));
    } else {
      toRemove.forEach(key -> remove(key, WriteThrough.none()));
    }
    return failure;
  }

  private boolean remove(K key, WriteThrough deleteThrough) {
    if (dispatcher.listensTo(EventType.REMOVED)) {
      return outcomes.apply(key, committed -> store.getAndRemove(key, deleteThrough, committed),
          (V removed) -> (removed == null) ? Outcome.<V>unchanged() : Outcome.removed(removed)).changed();
    }
    return outcomes.apply(key, committed -> store.remove(key, deleteThrough, committed),
        (Boolean removed) -> removed ? Outcome.<V>removed(null) : Outcome.<V>unchanged()).changed();
  }

  /** Removes the key if it has {@code expected}, telling the writer first; returns whether it did. */
  boolean removeIfEquals(K key, V expected) {
    WriteThrough deleteThrough = deleteThrough(key);
    return step(key, key, current -> {
      if (current == null) {
        return Outcome.<V>unchanged().read(false).by(Action.keep());
      }
      if (!current.equals(expected)) {
        return Outcome.<V>unchanged().read(true).by(Action.access());
      }
      return Outcome.removed(current).read(true).by(Action.<V>remove().withWriter(deleteThrough));
    }).changed();
  }

  /** Removes the key, telling the writer first; returns the removed value, or {@code null}. */
  @Nullable V getAndRemove(K key) {
    return outcomes.apply(key, committed -> store.getAndRemove(key, deleteThrough(key), committed),
        (V removed) -> (removed == null) ? Outcome.<V>unchanged().read(false) : Outcome.removed(removed).read(true))
        .old();
  }

  /** Returns the report of a write of the key that the engine makes for this cache; see {@link Outcomes#reporting}. */
  <R extends @Nullable Object> Committed<R> reporting(K key, Function<? super R, Outcome<V>> outcomeOf) {
    return outcomes.reporting(key, outcomeOf);
  }

  /** Carries out an atomic step of the engine on {@code storedKey} and reports its outcome for {@code key}. */
  Outcome<V> step(K key, K storedKey, Function<@Nullable V, Outcome.Step<V>> decide) {
    return store.step(storedKey, decide, outcomes.reporting(key, Outcome.Step::outcome)).outcome();
  }

  /** Returns the call that tells the writer of a new value: nobody, if the cache does not write through. */
  WriteThrough writeThrough(K key, V value) {
    return (writer == null) ? WriteThrough.none() : () -> Writing.write(writer, new CacheEntry<>(key, value));
  }

  /** Returns the call that tells the writer of a removal: nobody, if the cache does not write through. */
  WriteThrough deleteThrough(K key) {
    return (writer == null) ? WriteThrough.none() : () -> Writing.delete(writer, key);
  }
}
