package io.multitier.jcache.backend.redis;

import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisConnection;

/**
 * Where a cache's commands are sent: with {@code invalidation: tracking}, on the connection that
 * Redis tracks for this CacheManager ({@link Tracking}); otherwise, and while that connection is
 * being opened again, through Redisson's pool.
 */
interface TrackedConnections {

  /** The route of a CacheManager whose caches publish their notices: always Redisson's pool. */
  TrackedConnections NONE = new TrackedConnections() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public @Nullable RedisConnection connection(String routingKey) {
      return null;
    }
  };

  /** Returns whether other JVMs hear of changes through tracking, so that the write scripts publish nothing. */
  boolean enabled();

  /** Returns the tracked connection to the master of the key, or {@code null} to use Redisson's pool. */
  @Nullable RedisConnection connection(String routingKey);
}
