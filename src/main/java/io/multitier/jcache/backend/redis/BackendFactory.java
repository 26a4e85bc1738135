package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;
import org.redisson.api.RedissonClient;

/**
 * Builds the Redis backends of one CacheManager from what its caches share: the client, the key
 * prefix, how failures are explained, the reconciliation of notices and Redis's expiry
 * notifications. Each backend gets its own {@link CacheLink}, {@link InvalidationChannel} (or,
 * under client-side tracking, {@link TrackingChannel}) and {@link SharedEvents}.
 */
final class BackendFactory {

  private final RedissonClient client;
  private final String keyPrefix;
  private final Diagnosis diagnosis;
  private final Watcher<InvalidationChannel> reconciliation;
  private final Watcher<SharedEvents> expiries;
  private final @Nullable Tracking tracking;
  private final boolean writersKeepCopies;

  private BackendFactory(RedissonClient client, String keyPrefix, Diagnosis diagnosis,
      Watcher<InvalidationChannel> reconciliation, Watcher<SharedEvents> expiries, @Nullable Tracking tracking,
      boolean writersKeepCopies) {
    this.client = requireNonNull(client, "client");
    this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
    this.diagnosis = diagnosis;
    this.reconciliation = reconciliation;
    this.expiries = expiries;
    this.tracking = tracking;
    this.writersKeepCopies = writersKeepCopies;
  }

  /**
   * Returns the factory of a CacheManager's backends: failures to reach Redis explained by
   * {@code trouble}, notices compared with Redis's count by {@code reconciler}, Redis's expiries
   * heard through {@code expiries}; with {@code tracking}, changes are heard through Redis's
   * client-side tracking instead of published notices; {@code writersKeepCopies} says whether a
   * writer goes on being told of changes to what it wrote ({@link RedisBackend#tellsWriters()}).
   */
  static BackendFactory of(RedissonClient client, String keyPrefix, ConnectionTrouble trouble, Reconciler reconciler,
      ExpiryNotifications expiries, @Nullable Tracking tracking, boolean writersKeepCopies) {
    return new BackendFactory(client, keyPrefix, Diagnosis.of(requireNonNull(trouble, "trouble")), requireNonNull(reconciler, "reconciler"),
        requireNonNull(expiries, "expiries"), tracking, writersKeepCopies);
  }

  /**
   * Returns a factory of backends on their own: failures told by their message, no reconciliation
   * of notices, no expiry events.
   */
  static BackendFactory standalone(RedissonClient client, String keyPrefix) {
    return new BackendFactory(client, keyPrefix, Diagnosis.plain(), Watcher.none(), Watcher.none(), null, true);
  }

  /**
   * Returns the tier of one cache; if {@code eventsMaxLength} is positive, it also appends every
   * change to the cache's change stream, trimmed to about that many entries, and follows it.
   *
   * @throws IllegalArgumentException if the key prefix holds a brace
   */
  RedisBackend backend(String cacheName, long eventsMaxLength) {
    Tracking tracked = tracking;
    if (tracked == null) {
      CacheLink link = new CacheLink(client, keyPrefix, cacheName, diagnosis, TrackedConnections.NONE);
      return new RedisBackend(link, eventsMaxLength, new InvalidationChannel(link, reconciliation),
          new SharedEvents(link, eventsMaxLength, expiries), writersKeepCopies);
    }
    CacheLink link = new CacheLink(client, keyPrefix, cacheName, diagnosis, tracked);
    return new RedisBackend(link, eventsMaxLength, new TrackingChannel(link, tracked),
        new SharedEvents(link, eventsMaxLength, expiries), writersKeepCopies);
  }
}
