package io.multitier.jcache.frameworks.spring;

import java.net.URI;
import javax.cache.Caching;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.jcache.JCacheCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The whole Spring set-up: a JCache CacheManager from this provider, picked by class name and
 * configured by the file {@code cache.config} names, wrapped in Spring's {@link JCacheCacheManager}.
 * {@code @EnableCaching} turns on Spring's annotations and, with spring-context-support and the
 * JSR-107 API on the class path, the JSR-107 ones too.
 */
@Configuration
@EnableCaching
public class CacheConfig {

  @Bean(destroyMethod = "close")
  public javax.cache.CacheManager jcacheManager(@Value("${cache.config}") String configUri) {
    return Caching.getCachingProvider("io.multitier.jcache.MultiTierCachingProvider")
        .getCacheManager(URI.create(configUri), CacheConfig.class.getClassLoader());
  }

  @Bean
  public JCacheCacheManager cacheManager(javax.cache.CacheManager jcacheManager) {
    return new JCacheCacheManager(jcacheManager);
  }

  @Bean
  public BookService bookService() {
    return new BookService();
  }

  @Bean
  public PriceService priceService() {
    return new PriceService();
  }
}
