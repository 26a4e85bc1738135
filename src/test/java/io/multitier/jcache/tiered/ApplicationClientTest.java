package io.multitier.jcache.tiered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.MultiTierCachingProvider;
import io.multitier.jcache.TieredCache;
import io.multitier.jcache.testing.CapturedStderr;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RecordingListener;
import io.multitier.jcache.testing.RedisServer;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * An application hands the provider its own {@code RedissonClient} through the CacheManager
 * property {@link MultiTierCachingProvider#REDISSON_CLIENT}: the tiered caches of two CacheManagers
 * use it (its connections only, invalidations and Redis's expiries heard on it), and closing them
 * releases what the provider made on it and leaves the client to the application.
 */
final class ApplicationClientTest {

  private static final String CLIENT_NAME = "the-application";
  private static final Duration HEARD = Duration.ofSeconds(5);
  private static final String CACHES = "caches:\n"
      + "  users: {keyType: java.lang.String, valueType: java.lang.String}\n"
      + "  orders: {keyType: java.lang.String, valueType: java.lang.String}\n";

  private final CachingProvider provider = Caching.getCachingProvider(MultiTierCachingProvider.class.getName());

  @Test
  void twoCacheManagersTierTheirCachesThroughTheOneClientAndLeaveItUsable() {
    try (RedisServer redis = RedisServer.start(); ManagerFiles files = new ManagerFiles()) {
      RedissonClient client = client(redis);
      try {
        String yaml = "redis:\n  keyPrefix: \"app:\"\n" + CACHES;
        CacheManager first = open(files, "first.yaml", yaml, client);
        CacheManager second = open(files, "second.yaml", yaml, client);
        Cache<String, String> users = first.getCache("users", String.class, String.class);
        Cache<String, String> orders = first.getCache("orders", String.class, String.class);
        Cache<String, String> usersThere = second.getCache("users", String.class, String.class);
        // both CacheManagers listen for Redis's expiries on the client: closing one must not stop the other's
        users.registerCacheEntryListener(new RecordingListener<String, String>().configuration(true));
        RecordingListener<String, String> heardThere = new RecordingListener<>();
        usersThere.registerCacheEntryListener(heardThere.configuration(true));

        users.put("ada", "Ada");
        orders.put("o1", "one book");
        assertThat(redis.call("EXISTS", "app:{users}:s:ada", "app:{orders}:s:o1")).as("both values are in Redis")
            .isEqualTo(2L);
        assertThat(usersThere.get("ada")).as("the other CacheManager reads it from Redis").isEqualTo("Ada");
        users.put("ada", "Ada L.");
        await().atMost(HEARD).untilAsserted(() -> assertThat(usersThere.unwrap(TieredCache.class)
            .tierStatistics().invalidationsReceived()).as("the invalidation, heard on the application's client")
            .isPositive());
        assertThat(usersThere.get("ada")).isEqualTo("Ada L.");
        assertThat(otherConnections(redis)).as("connections that are not the application's client's").isEmpty();

        first.close();
        redis.call("PEXPIRE", "app:{users}:s:ada", "1");
        await().atMost(HEARD).until(() -> heardThere.briefs().stream().anyMatch(e -> e.startsWith("EXPIRED ada")));

        second.close();
        assertThat(client.isShutdown()).as("the provider never shuts the application's client down").isFalse();
        client.getBucket("still", StringCodec.INSTANCE).set("usable");
        assertThat(redis.call("GET", "still")).isEqualTo("usable");
        await().atMost(HEARD).untilAsserted(() -> {
          assertThat((List<?>) redis.call("PUBSUB", "CHANNELS")).as("the provider's subscriptions are released")
              .isEmpty();
          assertThat(redis.call("PUBSUB", "NUMPAT")).isEqualTo(0L);
        });
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void theHandedClientWinsOverTheFilesAddressAndTheStartLineSaysSo() {
    int nobody = RedisServer.freePort();
    try (RedisServer redis = RedisServer.start(); ManagerFiles files = new ManagerFiles();
        CapturedStderr log = CapturedStderr.start()) {
      RedissonClient client = client(redis);
      try {
        CacheManager manager = open(files, "address.yaml", "redis:\n  address: redis://127.0.0.1:" + nobody + "\n"
            + "  timeout: 200ms\n  keyPrefix: \"won:\"\n" + CACHES, client);
        manager.getCache("users", String.class, String.class).put("k", "v");
        assertThat(redis.call("EXISTS", "won:{users}:s:k")).isEqualTo(1L);
        assertThat(log.lines("INFO io.multitier.jcache")).singleElement().asString()
            .contains("Redis at " + redis.address() + " through").contains("through the application's RedissonClient")
            .contains("redis.address redis://127.0.0.1:" + nobody + " of the file is ignored")
            .contains("key prefix 'won:'");
        manager.close();
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void aValueOfAnotherTypeIsRefusedNamingTheProperty() {
    Properties properties = new Properties();
    properties.put(MultiTierCachingProvider.REDISSON_CLIENT, "redis://127.0.0.1:6379");
    assertThatThrownBy(() -> provider.getCacheManager(URI.create("handed:wrong-type"),
        ApplicationClientTest.class.getClassLoader(), properties))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MultiTierCachingProvider.REDISSON_CLIENT)
        .hasMessageContaining("org.redisson.api.RedissonClient")
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void aClientAlreadyShutDownIsRefused() {
    Config config = new Config();
    config.setLazyInitialization(true).useSingleServer().setAddress("redis://127.0.0.1:" + RedisServer.freePort());
    RedissonClient client = Redisson.create(config);
    client.shutdown();
    try (ManagerFiles files = new ManagerFiles()) {
      assertThatThrownBy(() -> open(files, "shut.yaml", CACHES, client))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("was handed a RedissonClient that is shut down");
    }
  }

  @Test
  void aRedisSectionThatNamesNoServerNeedsTheApplicationsClient() {
    try (ManagerFiles files = new ManagerFiles()) {
      assertThatThrownBy(() -> files.open("redis:\n  keyPrefix: \"app:\"\n" + CACHES))
          .isInstanceOf(CacheException.class)
          .hasMessageContaining("names no server")
          .hasMessageContaining(MultiTierCachingProvider.REDISSON_CLIENT);
    }
  }

  private CacheManager open(ManagerFiles files, String name, String yaml, RedissonClient client) {
    Properties properties = new Properties();
    properties.put(MultiTierCachingProvider.REDISSON_CLIENT, client);
    return provider.getCacheManager(files.write(name, yaml).toUri(), ApplicationClientTest.class.getClassLoader(),
        properties);
  }

  private static RedissonClient client(RedisServer redis) {
    Config config = new Config();
    config.useSingleServer().setAddress(redis.address()).setClientName(CLIENT_NAME);
    return Redisson.create(config);
  }

  /** Returns the server's connections not named as the application's client, this CLIENT LIST's own aside. */
  private static List<String> otherConnections(RedisServer redis) {
    return Arrays.stream(String.valueOf(redis.call("CLIENT", "LIST")).split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.contains("cmd=client|list"))
        .filter(line -> !line.contains(" name=" + CLIENT_NAME + " "))
        .toList();
  }
}
