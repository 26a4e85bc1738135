package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.Action;
import org.jspecify.annotations.Nullable;

/**
 * What one operation did to one key, as JSR-107's statistics and events see it: whether it counts
 * as a read that found the key, what it did to the entry, the value it replaced or removed and the
 * value it stored. {@link Outcomes} turns it into statistics and events.
 *
 * @param read how the operation counts as a read
 * @param change what it did to the entry
 * @param old the value it replaced or removed; {@code null} if there was none or it was not read back
 * @param value the value it stored, as the caller gave it; {@code null} if it stored none
 * @param <V> the value type
 */
record Outcome<V>(Read read, Change change, @Nullable V old, @Nullable V value) {

  /** How an operation counts as a read. */
  enum Read { NONE, HIT, MISS }

  /** What an operation did to the entry. */
  enum Change {
    /** Nothing, or only an access. */
    NONE,
    /** Stored a value for an absent key: a put. */
    CREATED,
    /** Stored a loaded value for an absent key: not a put. */
    LOADED,
    /** Replaced the value: a put. */
    UPDATED,
    /** Removed the entry: a removal. */
    REMOVED
  }

  Outcome {
    requireNonNull(read, "read");
    requireNonNull(change, "change");
  }

  /** Returns the outcome of an operation that changed nothing. */
  static <V> Outcome<V> unchanged() {
    return new Outcome<>(Read.NONE, Change.NONE, null, null);
  }

  /** Returns the outcome of storing a value for an absent key. */
  static <V> Outcome<V> created(V value) {
    return new Outcome<>(Read.NONE, Change.CREATED, null, value);
  }

  /** Returns the outcome of storing a loaded value for an absent key. */
  static <V> Outcome<V> loaded(V value) {
    return new Outcome<>(Read.NONE, Change.LOADED, null, value);
  }

  /** Returns the outcome of replacing {@code old} ({@code null}: not read back) by {@code value}. */
  static <V> Outcome<V> updated(@Nullable V old, V value) {
    return new Outcome<>(Read.NONE, Change.UPDATED, old, value);
  }

  /** Returns the outcome of removing {@code old} ({@code null}: not read back). */
  static <V> Outcome<V> removed(@Nullable V old) {
    return new Outcome<>(Read.NONE, Change.REMOVED, old, null);
  }

  /** Returns this outcome counted as a read that found the key or not. */
  Outcome<V> read(boolean found) {
    return new Outcome<>(found ? Read.HIT : Read.MISS, change, old, value);
  }

  /** Returns whether the operation stored or removed something. */
  boolean changed() {
    return change != Change.NONE;
  }

  /** Returns the decision of an atomic step that has this outcome when the engine carries out {@code action}. */
  Step<V> by(Action<V> action) {
    return new Step<>(this, action);
  }

  /**
   * An atomic step's decision: what the engine is to do and what it then amounts to.
   *
   * @param <V> the value type
   */
  record Step<V>(Outcome<V> outcome, Action<V> action) implements Store.Decision<V> {}
}
