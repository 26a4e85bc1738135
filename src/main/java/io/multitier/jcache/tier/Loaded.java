package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a load produced: the value its caller gets, and what the cache keeps of it, for how long.
 *
 * @param value the loaded value, or {@code null} if the loader found none
 * @param stored what the cache keeps (a copy when it stores by value), or {@code null} to keep nothing
 * @param ttl how long the kept value lives
 * @param <V> the value type
 */
public record Loaded<V>(@Nullable V value, @Nullable V stored, Duration ttl) {

  private static final Loaded<?> NOTHING = new Loaded<>(null, null, Duration.ZERO);

  public Loaded {
    requireNonNull(ttl, "ttl");
  }

  /** Returns the load that found nothing. */
  @SuppressWarnings("unchecked")
  public static <V> Loaded<V> nothing() {
    return (Loaded<V>) NOTHING;
  }

  /** Returns whether the cache keeps the value. */
  boolean kept() {
    return stored != null && !ttl.isZero();
  }
}
