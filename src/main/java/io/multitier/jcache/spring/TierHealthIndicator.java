package io.multitier.jcache.spring;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The tiers of every cache of every CacheManager of this provider in {@code /actuator/health}
 * (contributor {@code multiTierCache}): each tier's last check, and, while the shared tier cannot be
 * used, what the cache still serves. DOWN when a {@code FAIL_FAST} cache cannot use its shared tier
 * (its requests fail), UP otherwise: a {@code SERVE_LOCAL} cache still answers reads.
 */
public final class TierHealthIndicator implements HealthIndicator {

  private static final String FAIL_FAST = "FAIL_FAST";
  private static final String FAIL_FAST_SERVES = "only keys held in L1; every other read and every write fails";
  private static final String SERVE_LOCAL_SERVES = "L1 copies held before the outage, else a miss (read-through: the "
      + "loader's value, not stored); every write fails";

  private final ProviderCacheManagers managers;

  TierHealthIndicator(ProviderCacheManagers managers) {
    this.managers = requireNonNull(managers, "managers");
  }

  @Override
  public Health health() {
    boolean down = false;
    Map<String, Object> details = new LinkedHashMap<>();
    for (CacheManager manager : managers.open()) {
      Map<String, Object> caches = new LinkedHashMap<>();
      for (String name : manager.getCacheNames()) {
        Cache<?, ?> cache = manager.getCache(name);
        if (cache == null || cache.isClosed()) {
          continue;
        }
        Map<String, Object> state = new LinkedHashMap<>();
        List<io.multitier.jcache.spi.Health> tiers = cache.unwrap(TieredCache.class).health();
        boolean usable = true;
        for (io.multitier.jcache.spi.Health tier : tiers) {
          state.put(tier.tier(), (tier.healthy() ? "UP: " : "DOWN: ") + tier.detail());
          usable &= tier.healthy();
        }
        if (tiers.size() > 1) {
          String policy = String.valueOf(cache.getConfiguration(MultiTierConfiguration.class).getDegradation());
          state.put("degradation", policy);
          if (!usable) {
            state.put("serving", FAIL_FAST.equals(policy) ? FAIL_FAST_SERVES : SERVE_LOCAL_SERVES);
            down |= FAIL_FAST.equals(policy);
          }
        }
        caches.put(name, state);
      }
      details.put(manager.getURI().toString(), caches);
    }
    return (down ? Health.down() : Health.up()).withDetails(details).build();
  }
}
