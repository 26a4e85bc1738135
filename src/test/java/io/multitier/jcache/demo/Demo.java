package io.multitier.jcache.demo;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.testing.FakeTicker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.management.ObjectName;

/** A short tour of the embedded default: puts, gets, expiry and statistics, with no Redis. */
public final class Demo {

  private Demo() {}

  /** Runs the tour and prints what happens. */
  public static void main(String[] args) throws Exception {
    CacheManager manager = Caching.getCachingProvider().getCacheManager();
    System.out.println("Provider:     " + manager.getCachingProvider().getClass().getName());
    System.out.println("CacheManager: " + manager.getURI() + " (in-process tier only: no Redis named)");

    FakeTicker clock = new FakeTicker();
    MultiTierConfiguration<String, String> config = new MultiTierConfiguration<String, String>()
        .setMaximumSize(1_000)
        .setTicker(clock);
    config.setTypes(String.class, String.class)
        .setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(
            new javax.cache.expiry.Duration(TimeUnit.SECONDS, 30)))
        .setStatisticsEnabled(true);
    Cache<String, String> cities = manager.createCache("demo.cities$EU#1", config);

    cities.put("paris", "France");
    cities.put("berlin", "Germany");
    cities.putIfAbsent("paris", "Texas");
    System.out.println();
    System.out.println("put paris, berlin; putIfAbsent(paris, Texas) kept: " + cities.get("paris"));
    System.out.println("get berlin -> " + cities.get("berlin"));
    System.out.println("get rome   -> " + cities.get("rome"));

    clock.advance(Duration.ofSeconds(31));
    System.out.println("31 s later (entries live 30 s): get paris -> " + cities.get("paris"));

    ObjectName stats = new ObjectName("javax.cache:type=CacheStatistics,CacheManager="
        + manager.getURI().toString().replaceAll(":|=|\n|,", ".") + ",Cache=" + cities.getName());
    System.out.println();
    System.out.println("JCache statistics (from the platform MBeanServer):");
    for (String attribute : new String[] {"CachePuts", "CacheHits", "CacheMisses", "CacheHitPercentage"}) {
      System.out.printf("  %-20s %s%n", attribute,
          ManagementFactory.getPlatformMBeanServer().getAttribute(stats, attribute));
    }
    System.out.println("Tier counters: " + cities.unwrap(TieredCache.class).tierStatistics());
    manager.close();
  }
}
