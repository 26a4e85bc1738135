package io.multitier.jcache.configuration;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where the shared tier is: a plain address ({@code redis://host:port}, {@code rediss://…}) or a
 * Redisson configuration file in Redisson's own format (standalone, Sentinel or Cluster).
 *
 * @param address a single server's address, or {@code null}
 * @param redissonConfig the URI of a Redisson YAML file ({@code classpath:…} or {@code file:…}), or {@code null}
 */
public record RedisSettings(
    @JsonProperty("address") String address,
    @JsonProperty("redissonConfig") String redissonConfig) {}
