package io.multitier.jcache.spring;

import org.springframework.beans.factory.ListableBeanFactory;
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
 * Without Actuator or Micrometer, nothing. {@code multitier.jcache.health.enabled=false} or
 * {@code multitier.jcache.metrics.enabled=false} turn either off.
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
