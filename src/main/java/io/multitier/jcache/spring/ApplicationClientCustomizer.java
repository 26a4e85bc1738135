package io.multitier.jcache.spring;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.MultiTierCachingProvider;
import java.util.Properties;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.cache.JCachePropertiesCustomizer;

/**
 * Hands the application's {@code RedissonClient} bean (the only one, or the {@code @Primary} one) to
 * the CacheManager that Boot's JCache auto-configuration creates, in the property
 * {@link MultiTierCachingProvider#REDISSON_CLIENT}, so that its tiered caches use it instead of a
 * second client. The application context keeps and shuts down the client; a property already put
 * by another customizer is kept.
 */
public final class ApplicationClientCustomizer implements JCachePropertiesCustomizer {

  private final ObjectProvider<RedissonClient> clients;

  ApplicationClientCustomizer(ObjectProvider<RedissonClient> clients) {
    this.clients = requireNonNull(clients, "clients");
  }

  @Override
  public void customize(Properties properties) {
    RedissonClient client = clients.getIfUnique();
    if (client != null) {
      properties.putIfAbsent(MultiTierCachingProvider.REDISSON_CLIENT, client);
    }
  }
}
