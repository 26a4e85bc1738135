package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the shared tier is: a plain address ({@code redis://host:port}, {@code rediss://…}) or a
 * Redisson configuration file in Redisson's own format (standalone, Sentinel or Cluster, with AUTH
 * and TLS), and what the keys of this CacheManager start with.
 *
 * @param address a single server's address, or {@code null}
 * @param redissonConfig the URI of a Redisson YAML file ({@code classpath:…} or {@code file:…}), or {@code null}
 * @param keyPrefix what every key starts with; {@code null} derives it from the CacheManager's URI,
 *     so CacheManagers with different URIs never share entries
 */
public record RedisSettings(
    @JsonProperty("address") String address,
    @JsonProperty("redissonConfig") String redissonConfig,
    @JsonProperty("keyPrefix") String keyPrefix) {

  /** Checks that exactly one way to reach Redis is given. */
  public RedisSettings {
    if ((address == null) == (redissonConfig == null)) {
      throw new IllegalArgumentException(
          "redis: give exactly one of address (redis://host:port) and redissonConfig (a Redisson YAML file)");
    }
    if (keyPrefix != null && (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0)) {
      throw new IllegalArgumentException("redis.keyPrefix may not contain '{' or '}': " + keyPrefix);
    }
  }

  /** Returns the settings of a single server at the address. */
  public static RedisSettings ofAddress(String address) {
    return new RedisSettings(address, null, null);
  }
}
