package io.multitier.jcache.frameworks.spring;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.annotation.CacheDefaults;
import javax.cache.annotation.CacheKey;
import javax.cache.annotation.CachePut;
import javax.cache.annotation.CacheRemove;
import javax.cache.annotation.CacheRemoveAll;
import javax.cache.annotation.CacheResult;
import javax.cache.annotation.CacheValue;

/** A service cached with the JSR-107 annotations, which Spring's JCache support runs. */
@CacheDefaults(cacheName = "prices")
public class PriceService {

  private final Map<String, BigDecimal> table = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();

  @CacheResult
  public BigDecimal price(String sku) {
    lookups.incrementAndGet();
    return table.get(sku);
  }

  @CachePut
  public void setPrice(@CacheKey String sku, @CacheValue BigDecimal price) {
    table.put(sku, price);
  }

  @CacheRemove
  public void discontinue(String sku) {
    table.remove(sku);
  }

  @CacheRemoveAll
  public void repriceAll() {}

  /** Calls that reached the price table. */
  public int lookups() {
    return lookups.get();
  }

  public PriceService() {
    resetTable();
  }

  /** Puts the price table back as it started (not cached: no annotation). */
  public void resetTable() {
    table.clear();
    table.put("apple", new BigDecimal("0.50"));
    table.put("pear", new BigDecimal("0.80"));
  }

  public void resetLookups() {
    lookups.set(0);
  }
}
