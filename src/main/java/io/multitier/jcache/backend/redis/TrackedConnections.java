package io.multitier.jcache.backend.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.redisson.client.RedisConnection;

/**
 * Where a cache's commands are sent: with {@code invalidation: tracking}, on the connection that
 * Redis tracks for this CacheManager ({@link Tracking}), never through the pool (a key written or
 * read there would be kept in L1 untracked, and never heard of again); otherwise through Redisson's
 * pool.
 */
interface TrackedConnections {

  /** The route of a CacheManager whose caches publish their notices: always Redisson's pool. */
  TrackedConnections NONE = new TrackedConnections() {
    @Override
    public boolean enabled() {
      return false;
    }

    @Override
    public CompletionStage<@Nullable RedisConnection> connection(String routingKey) {
      return CompletableFuture.completedFuture(null);
    }
  };

  /** Returns whether other JVMs hear of changes through tracking, so that the write scripts publish nothing. */
  boolean enabled();

  /**
   * Returns the tracked connection to the master of the key once it tracks, or {@code null} to use
   * Redisson's pool; the stage fails if the connection cannot be opened.
   */
  CompletionStage<@Nullable RedisConnection> connection(String routingKey);
}
