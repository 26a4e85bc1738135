package io.multitier.jcache.backend.redis;

/**
 * A CacheManager-wide service that one part of each cache registers with while it needs it: the
 * reconciliation of notices ({@link Reconciler}), Redis's expiry notifications
 * ({@link ExpiryNotifications}).
 */
interface Watcher<T> {

  /** Starts watching the part. */
  void watch(T part);

  /** Stops watching the part. */
  void unwatch(T part);

  /** Returns a watcher that does nothing: a cache without the service. */
  static <T> Watcher<T> none() {
    return new Watcher<>() {
      @Override
      public void watch(T part) {}

      @Override
      public void unwatch(T part) {}
    };
  }
}
