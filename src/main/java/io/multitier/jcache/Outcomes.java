package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.tier.Committed;
import java.util.function.Function;
import javax.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * Turns the {@link Outcome} of each change of a key into JSR-107 statistics and entry events: the
 * one place every write of the cache reports through.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Outcomes<K, V> {

  private final Cache<K, V> cache;
  private final EventDispatcher<K, V> dispatcher;
  private final JCacheStatistics statistics;

  Outcomes(Cache<K, V> cache, EventDispatcher<K, V> dispatcher, JCacheStatistics statistics) {
    this.cache = requireNonNull(cache);
    this.dispatcher = requireNonNull(dispatcher);
    this.statistics = requireNonNull(statistics);
  }

  /**
   * Runs a write of the key, handing the engine the report that publishes and counts its outcome
   * under the key's lock; returns the outcome of what the engine answered.
   */
  <R extends @Nullable Object> Outcome<V> apply(K key, Function<Committed<R>, R> write, Function<? super R, Outcome<V>> outcomeOf) {
    return outcomeOf.apply(write.apply(reporting(key, outcomeOf)));
  }

  /**
   * Returns the report of a write of the key: it turns what the engine answers into an outcome,
   * publishes its events and counts it. The engine makes it under the key's lock, so the events of
   * one key are published in the order its writes took effect.
   */
  <R extends @Nullable Object> Committed<R> reporting(K key, Function<? super R, Outcome<V>> outcomeOf) {
    return new Committed<>() {
      @Override
      public void report(R result) {
        Outcome<V> outcome = outcomeOf.apply(result);
        publish(key, outcome);
        count(outcome);
      }

      @Override
      public boolean inKeyOrder() {
        return dispatcher.hasAsynchronousListeners();
      }
    };
  }

  /** Counts entries removed at once by a change that publishes no event (a removeAll without listeners). */
  void countRemovals(long count) {
    statistics.recordRemovals(count);
  }

  /** Counts values stored at once by a change that publishes no event (a putAll without listeners). */
  void countPuts(long count) {
    statistics.recordPuts(count);
  }

  private void count(Outcome<V> outcome) {
    switch (outcome.read()) {
      case HIT -> statistics.recordHits(1);
      case MISS -> statistics.recordMisses(1);
      default -> { }
    }
    switch (outcome.change()) {
      case CREATED, UPDATED -> statistics.recordPuts(1);
      case REMOVED -> statistics.recordRemovals(1);
      default -> { }
    }
  }

  private static <V> V stored(Outcome<V> outcome) {
    return requireNonNull(outcome.value(), "a change that stored a value has it");
  }

  private void publish(K key, Outcome<V> outcome) {
    switch (outcome.change()) {
      case CREATED, LOADED -> dispatcher.publishCreated(cache, key, stored(outcome));
      case UPDATED -> {
        V old = outcome.old();
        if (old == null) {
          dispatcher.publishUpdated(cache, key, stored(outcome));
        } else {
          dispatcher.publishUpdated(cache, key, old, stored(outcome));
        }
      }
      case REMOVED -> {
        // a removal whose value was not read back had no listener to hear it
        V old = outcome.old();
        if (old != null) {
          dispatcher.publishRemoved(cache, key, old);
        }
      }
      default -> { }
    }
  }
}
