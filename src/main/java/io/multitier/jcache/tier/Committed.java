package io.multitier.jcache.tier;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * How the engine reports a write that took effect to the one that asked for it: called under the
 * key's own lock, after the change reached every tier, so that the reports of one key's writes
 * arrive in the order the writes took effect (the facade publishes its events from them). Not
 * called for a write that failed.
 *
 * @param <R> what the write returns
 */
@FunctionalInterface
public interface Committed<R extends @Nullable Object> {

  /** Takes the report of a write that took effect. */
  void report(R result);

  /**
   * Reports what {@code found} gives, {@code null} if the write found nothing, and returns it. For
   * {@code R} a nullable type: NullAway's JSpecify mode checks that through the supplier, its JDK 17
   * mode cannot.
   */
  static <R extends @Nullable Object> R reportFound(Committed<? super R> committed, Supplier<R> found) {
    R result = found.get();
    committed.report(result);
    return result;
  }

  /** Returns the report that nobody listens to. */
  @SuppressWarnings("unchecked")
  static <R extends @Nullable Object> Committed<R> ignored() {
    return (Committed<R>) Ignored.INSTANCE;
  }

  /**
   * Returns whether the reports of one key must arrive in the order its writes took effect: the
   * engine then holds the key's lock while it reports, where it would not need it otherwise.
   */
  default boolean inKeyOrder() {
    return true;
  }

  /** The report that nobody listens to. */
  enum Ignored implements Committed<Object> {
    INSTANCE;

    @Override
    public void report(Object result) {}

    @Override
    public boolean inKeyOrder() {
      return false;
    }
  }
}
