package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.processor.MutableCacheEntry;
import io.multitier.jcache.processor.ProcessorResult;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.Action;
import io.multitier.jcache.tier.WriteThrough;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@code EntryProcessor}s: each one in an atomic step of the engine, on a copy of the entry,
 * what it did carried out afterwards as one {@link Action} and reported as one {@link Outcome}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class EntryProcessors<K, V> {

  private final Store<K, V> store;
  private final ExpiryCalculator expiry;
  private final Copies copies;
  private final Changes<K, V> changes;
  private final Outcomes<K, V> outcomes;
  private final EventDispatcher<K, V> dispatcher;
  /** Loads a missing value the processor reads, or is {@code null} when the cache does not read through. */
  private final @Nullable Function<K, @Nullable V> readThrough;

  EntryProcessors(Store<K, V> store, ExpiryCalculator expiry, Copies copies, Changes<K, V> changes,
      Outcomes<K, V> outcomes, EventDispatcher<K, V> dispatcher,
      @Nullable Function<K, @Nullable V> readThrough) {
    this.store = requireNonNull(store);
    this.expiry = requireNonNull(expiry);
    this.copies = requireNonNull(copies);
    this.changes = requireNonNull(changes);
    this.outcomes = requireNonNull(outcomes);
    this.dispatcher = requireNonNull(dispatcher);
    this.readThrough = readThrough;
  }

  /** Runs the processor on the key's entry and carries out what it did; returns its result. */
  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    K storedKey = copies.in(key);
    try {
      return store.step(storedKey, current -> process(key, current, processor, arguments),
          outcomes.reporting(key, Processed::outcome)).result();
    } catch (CacheLoaderException | CacheWriterException e) {
      dispatcher.ignoreSynchronous();
      throw new EntryProcessorException(e);
    } catch (RuntimeException | Error e) {
      dispatcher.ignoreSynchronous();
      throw e;
    }
  }

  /**
   * Runs the processor on every key through {@code invoke}; returns the results that are not
   * {@code null} and the failures.
   *
   * @param requireOpen throws if the cache was closed meanwhile
   */
  <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, Function<K, T> invoke,
      Runnable requireOpen) {
    Map<K, EntryProcessorResult<T>> results = new HashMap<>(keys.size());
    for (K key : keys) {
      try {
        T result = invoke.apply(key);
        if (result != null) {
          results.put(key, ProcessorResult.of(result));
        }
      } catch (EntryProcessorException e) {
        results.put(key, ProcessorResult.failed(e));
      } catch (RuntimeException e) {
        // the entry's own failure (a value that cannot be copied, a failing synchronous listener):
        // it is this key's result, and the other keys are still processed
        requireOpen.run();
        results.put(key, ProcessorResult.failed(new EntryProcessorException(e)));
      }
    }
    return results;
  }

  private <T> Processed<V, T> process(K key, @Nullable V current, EntryProcessor<K, V, T> processor, Object[] arguments) {
    MutableCacheEntry<K, V> entry = new MutableCacheEntry<>(key, copies.outOrNull(current), readThrough);
    T result;
    try {
      result = processor.process(entry, arguments);
    } catch (EntryProcessorException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new EntryProcessorException(e);
    }
    Outcome.Step<V> step = decide(key, current, entry);
    return new Processed<>(step.outcome().read(current != null), step.action(), result);
  }

  /** Returns the value a processor that loaded, created or updated the entry left in it. */
  private static <K, V> V valueOf(MutableCacheEntry<K, V> entry) {
    return requireNonNull(entry.value(), "an entry the processor set has a value");
  }

  /** Turns what the processor did into a write, calling the writer where it changed the entry, and its outcome. */
  private Outcome.Step<V> decide(K key, @Nullable V current, MutableCacheEntry<K, V> entry) {
    return switch (entry.action()) {
      case READ -> Outcome.<V>unchanged().by(Action.access());
      case LOADED -> Outcome.loaded(valueOf(entry)).by(created(valueOf(entry)));
      case CREATED -> Outcome.created(valueOf(entry))
          .by(created(valueOf(entry)).withWriter(changes.writeThrough(key, valueOf(entry))));
      case UPDATED -> Outcome.updated(current, valueOf(entry))
          .by(Action.put(copies.in(valueOf(entry)), expiry.update())
              .withWriter(changes.writeThrough(key, valueOf(entry))));
      case DELETED -> deleted(key, current);
      default -> Outcome.<V>unchanged().by(Action.keep());
    };
  }

  /** Stores a value the processor set or loaded for an absent key, unless it expires at once. */
  private Action<V> created(V value) {
    Duration ttl = expiry.creation();
    return ttl.isZero() ? Action.keep() : Action.put(copies.in(value), ttl);
  }

  /** Removes the entry the processor removed; the writer hears of it even if it was absent. */
  private Outcome.Step<V> deleted(K key, @Nullable V current) {
    WriteThrough deleteThrough = changes.deleteThrough(key);
    return (current == null)
        ? Outcome.<V>unchanged().by(Action.<V>keep().withWriter(deleteThrough))
        : Outcome.removed(current).by(Action.<V>remove().withWriter(deleteThrough));
  }

  /** The decision of one processor's step: its write, its outcome and the processor's result. */
  private record Processed<V, T>(Outcome<V> outcome, Action<V> action, T result) implements Store.Decision<V> {}
}
