package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears Redis expire the entries of one CacheManager's caches, from its keyspace notifications
 * ({@code __keyevent@<db>__:expired}, subscribed on every master), and tells each cache's
 * {@link SharedEvents}.
 *
 * <p>Redis sends them only while its {@code notify-keyspace-events} includes {@code E} and
 * {@code x} (or {@code A}). The first cache that needs them adds the missing flags with
 * {@code CONFIG SET} on every node; where that is refused (a managed Redis, an ACL user without
 * {@code CONFIG}) it logs once what to set, and listens anyway, so the events start as soon as
 * an operator sets the flags.
 */
final class ExpiryNotifications implements Watcher<SharedEvents> {

  private static final Logger logger = LoggerFactory.getLogger(ExpiryNotifications.class);
  private static final String SETTING = "notify-keyspace-events";
  private static final String CHANNELS = "__keyevent@*__:expired";

  private final RedissonClient client;
  private final String keyPrefix;
  private final String servers;
  private final Map<String, Set<SharedEvents>> byTag = new ConcurrentHashMap<>();
  private @Nullable RPatternTopic topic;
  private int listenerId;
  private boolean enabled;

  ExpiryNotifications(RedissonClient client, String keyPrefix, String servers) {
    this.client = requireNonNull(client, "client");
    this.keyPrefix = requireNonNull(keyPrefix, "keyPrefix");
    this.servers = servers;
  }

  /**
   * Starts telling a cache of its expired entries; the first call turns notifications
   * on and subscribes. A refused subscription (an ACL user without the channel) is logged, and the
   * next cache that needs it tries again.
   */
  @Override
  public synchronized void watch(SharedEvents events) {
    byTag.computeIfAbsent(events.tag(), tag -> ConcurrentHashMap.newKeySet()).add(events);
    if (topic != null) {
      return;
    }
    if (!enabled) {
      enable();
      enabled = true;
    }
    RPatternTopic subscribed = client.getPatternTopic(CHANNELS, StringCodec.INSTANCE);
    try {
      listenerId = subscribed.addListener(String.class, (pattern, channel, key) -> expired(key));
      topic = subscribed;
    } catch (RuntimeException e) {
      logger.warn("Redis ({}) refused the subscription to {} ({}): tiered caches raise no EXPIRED events; an ACL "
          + "user needs the channel, e.g. ACL SETUSER <user> &{}", servers, CHANNELS, e.getMessage(), CHANNELS);
    }
  }

  /** Stops telling a closed cache. */
  @Override
  public void unwatch(SharedEvents events) {
    Set<SharedEvents> watched = byTag.get(events.tag());
    if (watched != null) {
      watched.remove(events);
    }
  }

  /**
   * Stops listening: removes this CacheManager's listener only, since the client (the application's
   * own, or one shared by CacheManagers) may have others on the same pattern.
   */
  synchronized void close() {
    if (topic != null) {
      try {
        topic.removeListener(listenerId);
      } catch (RuntimeException e) {
        logger.debug("Could not unsubscribe from {}", CHANNELS, e);
      }
      topic = null;
    }
    byTag.clear();
  }

  private void expired(String redisKey) {
    if (!redisKey.startsWith(keyPrefix) || redisKey.length() <= keyPrefix.length()
        || redisKey.charAt(keyPrefix.length()) != '{') {
      return;
    }
    int tagEnd = redisKey.indexOf("}:", keyPrefix.length());
    if (tagEnd < 0) {
      return;
    }
    Set<SharedEvents> watched = byTag.get(redisKey.substring(0, tagEnd + 1));
    if (watched != null) {
      String encodedKey = redisKey.substring(tagEnd + 2);
      watched.forEach(events -> events.expired(encodedKey));
    }
  }

  private void enable() {
    List<String> refused = new ArrayList<>();
    for (RedisNode node : nodes()) {
      try {
        String flags = node.getConfig(SETTING).getOrDefault(SETTING, "");
        String missing = missing(flags);
        if (!missing.isEmpty()) {
          node.setConfig(SETTING, flags + missing);
          logger.info("Set {} to '{}' on {} so that tiered caches hear Redis expire entries",
              SETTING, flags + missing, node.getAddr());
        }
      } catch (RuntimeException e) {
        refused.add(node.getAddr() + ": " + e.getMessage());
      }
    }
    if (!refused.isEmpty()) {
      logger.warn("Redis ({}) may not send expiry notifications and refused to turn them on ({}): tiered caches "
          + "raise no EXPIRED events, and their event streams carry no expiries, until the server's {} includes "
          + "'Ex' (redis.conf '{} Ex', or your provider's parameter group); the caches listen for them anyway",
          servers, String.join("; ", refused), SETTING, SETTING);
    }
  }

  /** Returns the flags to add so that expiry events are sent. */
  static String missing(String flags) {
    StringBuilder missing = new StringBuilder();
    if (flags.indexOf('E') < 0) {
      missing.append('E');
    }
    if (flags.indexOf('x') < 0 && flags.indexOf('A') < 0) {
      missing.append('x');
    }
    return missing.toString();
  }

  private List<RedisNode> nodes() {
    Config config = client.getConfig();
    List<RedisNode> nodes = new ArrayList<>();
    if (config.isClusterConfig()) {
      nodes.addAll(client.getRedisNodes(RedisNodes.CLUSTER).getMasters());
      nodes.addAll(client.getRedisNodes(RedisNodes.CLUSTER).getSlaves());
    } else if (config.isSentinelConfig()) {
      nodes.add(client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster());
      nodes.addAll(client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getSlaves());
    } else if (config.isSingleConfig()) {
      nodes.add(client.getRedisNodes(RedisNodes.SINGLE).getInstance());
    } else {
      nodes.add(client.getRedisNodes(RedisNodes.MASTER_SLAVE).getMaster());
      nodes.addAll(client.getRedisNodes(RedisNodes.MASTER_SLAVE).getSlaves());
    }
    return nodes;
  }
}
