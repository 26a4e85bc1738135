package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;

/**
 * Hears of changes that other clients of a shared tier made, so that faster tiers drop their
 * copies (see {@link L2CacheBackend#onInvalidation}).
 *
 * @param <K> the key type
 */
public interface InvalidationListener<K> {

  /** Another client wrote or removed the key. */
  void invalidated(K key);

  /** Every key may have changed: the store was cleared, or notices may have been missed (a lost connection). */
  void invalidatedAll();

  /**
   * This JVM has not confirmed within the shared tier's staleness bound that it hears every change
   * (the tier does not answer: a partition, a stalled connection), so its copies may be stale until
   * {@link #hearingAgain()}. Does nothing by default.
   */
  default void notHearing() {}

  /**
   * This JVM hears every change again after {@link #notHearing()}; changes made meanwhile may have
   * gone unheard. By default, {@link #invalidatedAll()}.
   */
  default void hearingAgain() {
    invalidatedAll();
  }

  /** Returns the listener that hands a changed key to {@code key} and runs {@code all} when every key may have changed. */
  static <K> InvalidationListener<K> of(Consumer<? super K> key, Runnable all) {
    requireNonNull(key, "key");
    requireNonNull(all, "all");
    return new InvalidationListener<>() {
      @Override
      public void invalidated(K changed) {
        key.accept(changed);
      }

      @Override
      public void invalidatedAll() {
        all.run();
      }
    };
  }
}
