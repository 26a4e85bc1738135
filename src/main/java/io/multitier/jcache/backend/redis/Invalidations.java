package io.multitier.jcache.backend.redis;

import io.multitier.jcache.spi.InvalidationListener;

/**
 * Tells this JVM which of one cache's keys other clients changed, the transport's own business:
 * {@link InvalidationChannel} hears the notices the write scripts publish, {@link TrackingChannel}
 * what Redis's client-side tracking tells ({@code invalidation: tracking}); the commands of
 * {@link RedisBackend} are the same under both.
 */
interface Invalidations extends AutoCloseable {

  /**
   * Starts telling the listener of each key another client changed, and when every key may have
   * changed (a cleared cache, a lost notice, a restored subscription); the first listener subscribes.
   *
   * @throws IllegalStateException if closed
   */
  void listen(InvalidationListener<String> listener);

  /** Stops telling the listeners and unsubscribes. */
  @Override
  void close();
}
