package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.redisson.api.RedissonClient;

/**
 * Builds the Redis backends of one CacheManager from what its caches share: the client, the key
 * prefix, how failures are explained, the reconciliation of notices and Redis's expiry
 * notifications. Each backend gets its own {@link CacheLink}, {@link InvalidationChannel} and
 * {@link SharedEvents}.
 */
final class BackendFactory {

  private final RedissonClient client;
  private final String keyPrefix;
  private final Function<RuntimeException, String> describe;
  private final Watcher<InvalidationChannel> reconciliation;
  private final Watcher<SharedEvents> expiries;

  private BackendFactory(RedissonClient client, String keyPrefix, Function<RuntimeException, String> describe,
      Watcher<InvalidationChannel> reconciliation, Watcher<SharedEvents> expiries) {
    this.client = requireNonNull(client, "client");
    this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
    this.describe = describe;
    this.reconciliation = reconciliation;
    this.expiries = expiries;
  }

  /**
   * Returns the factory of a CacheManager's backends: failures to reach Redis explained by
   * {@code trouble}, notices compared with Redis's count by {@code reconciler}, Redis's expiries
   * heard through {@code expiries}.
   */
  static BackendFactory of(RedissonClient client, String keyPrefix, ConnectionTrouble trouble, Reconciler reconciler,
      ExpiryNotifications expiries) {
    return new BackendFactory(client, keyPrefix, describe(trouble), requireNonNull(reconciler, "reconciler"),
        requireNonNull(expiries, "expiries"));
  }

  /**
   * Returns a factory of backends on their own: failures told by their message, no reconciliation
   * of notices, no expiry events.
   */
  static BackendFactory standalone(RedissonClient client, String keyPrefix) {
    return new BackendFactory(client, keyPrefix, RuntimeException::getMessage, Watcher.none(), Watcher.none());
  }

  /**
   * Returns the tier of one cache; if {@code eventsMaxLength} is positive, it also appends every
   * change to the cache's change stream, trimmed to about that many entries, and follows it.
   *
   * @throws IllegalArgumentException if the key prefix holds a brace
   */
  RedisBackend backend(String cacheName, long eventsMaxLength) {
    CacheLink link = new CacheLink(client, keyPrefix, cacheName, describe);
    return new RedisBackend(link, eventsMaxLength, new InvalidationChannel(link, reconciliation),
        new SharedEvents(link, eventsMaxLength, expiries));
  }

  /** Returns the link of a backend built by the constructor {@code RedisConnection} still calls. */
  static CacheLink link(RedissonClient client, String keyPrefix, String cacheName, ConnectionTrouble trouble,
      boolean ownsClient) {
    if (ownsClient) {
      throw new IllegalArgumentException("a backend never shuts its client down");
    }
    return new CacheLink(client, keyPrefix, cacheName, describe(requireNonNull(trouble, "trouble")));
  }

  private static Function<RuntimeException, String> describe(ConnectionTrouble trouble) {
    requireNonNull(trouble, "trouble");
    return cause -> {
      String explained = trouble.explain(cause);
      return (explained != null) ? explained : cause.getMessage();
    };
  }
}
