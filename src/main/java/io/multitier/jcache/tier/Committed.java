package io.multitier.jcache.tier;

/**
 * How the engine reports a write that took effect to the one that asked for it: called under the
 * key's own lock, after the change reached every tier, so that the reports of one key's writes
 * arrive in the order the writes took effect (the facade publishes its events from them). Not
 * called for a write that failed.
 *
 * @param <R> what the write returns
 */
@FunctionalInterface
public interface Committed<R> {

  /** Takes the report of a write that took effect. */
  void report(R result);

  /** Returns the report that nobody listens to. */
  @SuppressWarnings("unchecked")
  static <R> Committed<R> ignored() {
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
