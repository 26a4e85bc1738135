package io.multitier.jcache.spring;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.MultiTierCachingProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import javax.cache.CacheManager;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * The CacheManagers of this provider in a Spring context: the {@code javax.cache.CacheManager}
 * beans (Boot's JCache auto-configuration defines one) and those behind Spring's
 * {@code JCacheCacheManager} beans, each once, open ones only.
 */
final class ProviderCacheManagers {

  private static final String JCACHE_CACHE_MANAGER = "org.springframework.cache.jcache.JCacheCacheManager";

  private final ListableBeanFactory beans;

  ProviderCacheManagers(ListableBeanFactory beans) {
    this.beans = requireNonNull(beans, "beans");
  }

  /** Returns the open CacheManagers of this provider, in the order the context lists them. */
  List<CacheManager> open() {
    Set<CacheManager> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<CacheManager> managers = new ArrayList<>();
    List<@Nullable CacheManager> candidates = new ArrayList<>(beans.getBeansOfType(CacheManager.class, false, false).values());
    if (ClassUtils.isPresent(JCACHE_CACHE_MANAGER, ProviderCacheManagers.class.getClassLoader())) {
      candidates.addAll(SpringWrapped.of(beans));
    }
    for (@Nullable CacheManager manager : candidates) {
      if (manager != null && !manager.isClosed() && manager.getCachingProvider() instanceof MultiTierCachingProvider
          && seen.add(manager)) {
        managers.add(manager);
      }
    }
    return managers;
  }

  /**
   * The CacheManagers behind Spring's {@code JCacheCacheManager}s, {@code null} for one not yet given
   * its CacheManager: loaded only when spring-context-support is present.
   */
  private static final class SpringWrapped {
    static List<@Nullable CacheManager> of(ListableBeanFactory beans) {
      List<@Nullable CacheManager> managers = new ArrayList<>();
      beans.getBeansOfType(org.springframework.cache.jcache.JCacheCacheManager.class, false, false).values()
          .forEach(spring -> managers.add(spring.getCacheManager()));
      return managers;
    }
  }
}
