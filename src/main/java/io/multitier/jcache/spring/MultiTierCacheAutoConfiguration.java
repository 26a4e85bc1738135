package io.multitier.jcache.spring;

import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * What Spring Boot gets when this jar is on its class path: with Actuator, the health indicator
 * {@code multiTierCache} ({@link TierHealthIndicator}); with Micrometer, the per-tier meters and
 * JCache statistics of the provider's caches ({@link TierMeterBinder}; set
 * {@code multitier.jcache.metrics.enable-statistics=false} to leave statistics as configured).
 * With Redisson, the application's {@code RedissonClient} bean handed to the CacheManager that Boot's
 * JCache auto-configuration creates ({@link ApplicationClientCustomizer}). Without Actuator, Micrometer
 * or Redisson, nothing of theirs. {@code multitier.jcache.health.enabled=false},
 * {@code multitier.jcache.metrics.enabled=false} or {@code multitier.jcache.redisson-client.enabled=false}
 * turn each off.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration")
public class MultiTierCacheAutoConfiguration {

  /** The health indicator, when Actuator is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(name = "multitier.jcache.health.enabled", matchIfMissing = true)
  static class Health {

    @Bean
    @ConditionalOnMissingBean(name = "multiTierCacheHealthIndicator")
    TierHealthIndicator multiTierCacheHealthIndicator(ListableBeanFactory beans) {
      return new TierHealthIndicator(new ProviderCacheManagers(beans));
    }
  }

  /** The hand-over of the application's RedissonClient, when Redisson is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.redisson.api.RedissonClient")
  @ConditionalOnProperty(name = "multitier.jcache.redisson-client.enabled", matchIfMissing = true)
  static class ApplicationClient {

    @Bean
    @ConditionalOnMissingBean(name = "multiTierRedissonClientCustomizer")
    ApplicationClientCustomizer multiTierRedissonClientCustomizer(ObjectProvider<RedissonClient> clients) {
      return new ApplicationClientCustomizer(clients);
    }
  }

  /** The meters, when Micrometer is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  @ConditionalOnProperty(name = "multitier.jcache.metrics.enabled", matchIfMissing = true)
  static class Metrics {

    @Bean
    @ConditionalOnMissingBean(name = "multiTierCacheMeters")
    TierMeterBinder multiTierCacheMeters(ListableBeanFactory beans, Environment environment) {
      return new TierMeterBinder(new ProviderCacheManagers(beans),
          environment.getProperty("multitier.jcache.metrics.enable-statistics", Boolean.class, true));
    }
  }
}
