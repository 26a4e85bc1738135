package io.multitier.jcache.streams;

import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;

/** Streams of the embedded default: in this JVM, with the same semantics as Redis Streams. */
final class LocalStreamsTest extends StreamingContract {

  private final CacheManager manager = Caching.getCachingProvider().getCacheManager();

  @AfterEach
  void destroy() {
    manager.destroyCache("streams.local");
  }

  @Override
  Cache<String, String> cache() {
    Cache<String, String> cache = manager.getCache("streams.local");
    return (cache != null) ? cache : manager.createCache("streams.local", new MutableConfiguration<>());
  }

  @Override
  CacheManager manager() {
    return manager;
  }

  @Override
  int approximateTrimSlack() {
    return 0;
  }
}
