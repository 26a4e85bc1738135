package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What an atomic step decided to do with one entry: keep it, note an access, remove it, or store a
 * value; and what to tell the {@code CacheWriter} first. A step decides without side effects (it
 * may be asked again when another JVM wins a race); the engine runs the writer once, for the
 * decision it commits, before the change.
 *
 * @param <V> the value type
 */
public final class Action<V> {

  private static final Action<?> KEEP = new Action<>(Kind.KEEP, null, null, WriteThrough.none());
  private static final Action<?> ACCESS = new Action<>(Kind.ACCESS, null, null, WriteThrough.none());
  private static final Action<?> REMOVE = new Action<>(Kind.REMOVE, null, null, WriteThrough.none());

  enum Kind { KEEP, ACCESS, REMOVE, PUT }

  final Kind kind;
  // null unless a PUT: KEEP, ACCESS and REMOVE store nothing
  final @Nullable V value;
  final @Nullable Duration ttl;
  private final WriteThrough writeThrough;

  private Action(Kind kind, @Nullable V value, @Nullable Duration ttl, WriteThrough writeThrough) {
    this.kind = kind;
    this.value = value;
    this.ttl = ttl;
    this.writeThrough = writeThrough;
  }

  /** Leaves the entry as it is, but for the expiry policy's rule for an access (applied by the engine). */
  @SuppressWarnings("unchecked")
  public static <V> Action<V> access() {
    return (Action<V>) ACCESS;
  }

  /** Returns this decision with the call to the {@code CacheWriter} to make once before it is carried out. */
  public Action<V> withWriter(WriteThrough writeThrough) {
    requireNonNull(writeThrough, "writeThrough");
    return (writeThrough == WriteThrough.none()) ? this : new Action<>(kind, value, ttl, writeThrough);
  }

  /** Tells the writer, if there is one; a failure leaves the entry as it was. */
  void runWriter() {
    writeThrough.tell();
  }

  /** Leaves the entry as it is. */
  @SuppressWarnings("unchecked")
  public static <V> Action<V> keep() {
    return (Action<V>) KEEP;
  }

  /** Removes the entry. */
  @SuppressWarnings("unchecked")
  public static <V> Action<V> remove() {
    return (Action<V>) REMOVE;
  }

  /** Stores the value with the time to live ({@code Ttl.UNCHANGED} keeps the current expiry, zero removes). */
  public static <V> Action<V> put(V value, Duration ttl) {
    return new Action<>(Kind.PUT, requireNonNull(value, "value"), requireNonNull(ttl, "ttl"), WriteThrough.none());
  }
}
