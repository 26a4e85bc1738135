package io.multitier.jcache.tier;

import java.time.Duration;
import java.util.function.Function;

/**
 * A put carried out as an atomic step: the expiry policy is asked for the entry as it is, and the
 * writer told once.
 *
 * @param write what the step does with the entry
 * @param put what the put will have found and done
 * @param <V> the value type
 */
record PutStep<V>(Action<V> action, Put<V> put) implements Store.Decision<V> {

  /** Returns the decision of a put of {@code value} as an atomic step. */
  static <V> Function<V, PutStep<V>> of(V value, PutTtls ttls, WriteThrough writeThrough) {
    return current -> {
      Duration ttl = (current == null) ? ttls.ifAbsent() : ttls.ifPresent();
      boolean stores = current != null || !ttl.isZero();
      Action<V> action = stores ? Action.put(value, ttl) : Action.keep();
      return new PutStep<>(action.withWriter(writeThrough), new Put<>(current != null, current, current == null && stores));
    };
  }
}
