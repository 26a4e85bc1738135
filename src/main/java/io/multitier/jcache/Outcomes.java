package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.management.JCacheStatistics;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;

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

  /** Runs a change of the key, publishes its events and counts it; returns its outcome. */
  Outcome<V> apply(K key, Supplier<Outcome<V>> change) {
    return apply(key, change, Function.identity());
  }

  /**
   * Runs a change of the key whose result holds an outcome, publishes the outcome's events in the
   * order the key's changes took effect, and counts it; returns the result.
   */
  <R> R apply(K key, Supplier<R> change, Function<R, Outcome<V>> outcomeOf) {
    R result = dispatcher.inKeyOrder(key, () -> {
      R done = change.get();
      publish(key, outcomeOf.apply(done));
      return done;
    });
    count(outcomeOf.apply(result));
    return result;
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

  private void publish(K key, Outcome<V> outcome) {
    switch (outcome.change()) {
      case CREATED, LOADED -> dispatcher.publishCreated(cache, key, outcome.value());
      case UPDATED -> {
        if (outcome.old() == null) {
          dispatcher.publishUpdated(cache, key, outcome.value());
        } else {
          dispatcher.publishUpdated(cache, key, outcome.old(), outcome.value());
        }
      }
      case REMOVED -> {
        // a removal whose value was not read back had no listener to hear it
        if (outcome.old() != null) {
          dispatcher.publishRemoved(cache, key, outcome.old());
        }
      }
      default -> { }
    }
  }
}
