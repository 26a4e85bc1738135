package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.management.JCacheMXBean;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.management.JmxRegistration;
import io.multitier.jcache.management.JmxRegistration.MBeanType;
import io.multitier.jcache.tier.Store;
import javax.cache.Cache;

/** Turns a cache's management and statistics on and off, registering its two MXBeans while they are on. */
final class CacheBeans {

  private final Cache<?, ?> cache;
  private final MultiTierConfiguration<?, ?> configuration;
  private final JCacheMXBean mxBean;
  private final JCacheStatistics statistics;
  private final Store<?, ?> store;

  CacheBeans(Cache<?, ?> cache, MultiTierConfiguration<?, ?> configuration, JCacheStatistics statistics,
      Store<?, ?> store) {
    this.cache = requireNonNull(cache);
    this.configuration = requireNonNull(configuration);
    this.mxBean = new JCacheMXBean(cache);
    this.statistics = requireNonNull(statistics);
    this.store = requireNonNull(store);
  }

  /** Turns management (the configuration MXBean) on or off. */
  void enableManagement(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      JmxRegistration.register(cache, mxBean, MBeanType.Configuration);
    } else {
      JmxRegistration.unregister(cache, MBeanType.Configuration);
    }
  }

  /** Turns statistics (and their MXBean) on or off. */
  void enableStatistics(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    statistics.setEnabled(enabled);
    if (enabled) {
      store.statistics().countReads();
      JmxRegistration.register(cache, statistics, MBeanType.Statistics);
    } else {
      JmxRegistration.unregister(cache, MBeanType.Statistics);
    }
  }

  /** Unregisters both MXBeans, when the cache closes. */
  void unregister() {
    JmxRegistration.unregister(cache, MBeanType.Configuration);
    JmxRegistration.unregister(cache, MBeanType.Statistics);
  }
}
