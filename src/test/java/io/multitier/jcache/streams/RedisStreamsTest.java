package io.multitier.jcache.streams;

import io.multitier.jcache.testing.RedisServer;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Streams of a tiered cache: Redis Streams on a real redis-server, one command per call. */
final class RedisStreamsTest extends StreamingContract {

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  private CacheManager manager;

  @AfterEach
  void close() {
    if (manager != null) {
      manager.destroyCache("streams.tiered");
      manager.close();
      redis.server().call("FLUSHALL");
    }
  }

  @Override
  CacheManager manager() {
    if (manager == null) {
      manager = Caching.getCachingProvider().getCacheManager(config(redis.server()), getClass().getClassLoader());
    }
    return manager;
  }

  @Override
  Cache<String, String> cache() {
    manager();
    Cache<String, String> cache = manager.getCache("streams.tiered");
    return (cache != null) ? cache : manager.createCache("streams.tiered", new MutableConfiguration<>());
  }

  @Override
  int approximateTrimSlack() {
    return 100;
  }

  private static java.net.URI config(RedisServer server) {
    try {
      Path file = Files.createTempFile("multitier-streams-", ".yaml");
      file.toFile().deleteOnExit();
      Files.writeString(file, "redis:\n  address: " + server.address() + "\n");
      return file.toUri();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
