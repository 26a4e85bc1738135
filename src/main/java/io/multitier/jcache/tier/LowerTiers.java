package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.multitier.jcache.configuration.TierSpec;
import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.TierFactory;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tiers below the shared one (L3, L4, …), slower and longer-lived: each keeps an entry its
 * TTL scale times as long as the shared tier does, and decides with its promotion policy whether a
 * hit in it is copied up into the faster tiers. They hold copies: the shared tier stays the one
 * that atomic operations and invalidations go through. A lower tier that fails is skipped by reads
 * and, on writes, asked to drop the key, so that it never answers with a value it missed a change of.
 */
final class LowerTiers implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(LowerTiers.class);

  private final List<Tier> tiers;

  /** Creates the chain, fastest first. */
  public LowerTiers(List<Tier> tiers) {
    this.tiers = List.copyOf(tiers);
  }

  /**
   * Builds the tiers the specs name for one cache: a {@link TierFactory} of that name found by
   * {@link ServiceLoader}, else an {@code L2CacheBackend<String, byte[]>} class of that name with a
   * public constructor taking the cache name, or none.
   */
  public static LowerTiers of(List<TierSpec> specs, String cacheName, ClassLoader classLoader) {
    List<Tier> tiers = new ArrayList<>(specs.size());
    for (TierSpec spec : specs) {
      tiers.add(new Tier(backend(spec.backend(), cacheName, classLoader), spec.ttlScale(), spec.promotion()));
    }
    return new LowerTiers(tiers);
  }

  @SuppressWarnings("unchecked")
  private static L2CacheBackend<String, byte[]> backend(String name, String cacheName, ClassLoader classLoader) {
    for (TierFactory factory : ServiceLoader.load(TierFactory.class, classLoader)) {
      if (factory.name().equals(name)) {
        return requireNonNull(factory.create(cacheName), () -> "tier factory " + name + " made no tier");
      }
    }
    Class<?> type;
    try {
      type = Class.forName(name, true, classLoader);
    } catch (ClassNotFoundException e) {
      throw new CacheException("No tier named '" + name + "': neither a TierFactory of that name nor a class", e);
    }
    if (!L2CacheBackend.class.isAssignableFrom(type)) {
      throw new CacheException("The tier class " + name + " is not an L2CacheBackend");
    }
    try {
      try {
        return (L2CacheBackend<String, byte[]>) type.getConstructor(String.class).newInstance(cacheName);
      } catch (NoSuchMethodException noNameConstructor) {
        return (L2CacheBackend<String, byte[]>) type.getConstructor().newInstance();
      }
    } catch (ReflectiveOperationException e) {
      throw new CacheException("Cannot create the tier " + name + " for cache '" + cacheName + "': " + e, e);
    }
  }

  /** One tier of the chain with its TTL scale and promotion policy. */
  public static final class Tier {
    final L2CacheBackend<String, byte[]> backend;
    final int ttlScale;
    private final boolean always;
    private final boolean sampling;
    private final int every;
    private final AtomicLong sampled = new AtomicLong();
    private final Cache<String, AtomicInteger> keyHits = Caffeine.newBuilder().maximumSize(10_000).build();

    /** Creates a tier; {@code promotion} is {@code always}, {@code sample:N} or {@code hits:K}. */
    public Tier(L2CacheBackend<String, byte[]> backend, int ttlScale, String promotion) {
      this.backend = requireNonNull(backend, "backend");
      this.ttlScale = ttlScale;
      this.always = requireNonNull(promotion, "promotion").equals("always");
      this.sampling = promotion.startsWith("sample:");
      this.every = always ? 1 : Integer.parseInt(promotion.substring(promotion.indexOf(':') + 1));
    }

    boolean promotes(String key) {
      if (always) {
        return true;
      }
      if (sampling) {
        return sampled.incrementAndGet() % every == 0;
      }
      AtomicInteger count = keyHits.get(key, k -> new AtomicInteger());
      if (count.incrementAndGet() >= every) {
        keyHits.invalidate(key);
        return true;
      }
      return false;
    }
  }

  /** What a lower tier had: the bytes, their remaining time to live there, and whether to promote them. */
  record Found(byte[] bytes, Duration ttl, int tier, boolean promote) {}

  /** Returns whether there is no tier below the shared one. */
  boolean isEmpty() {
    return tiers.isEmpty();
  }

  /** Looks the key up tier by tier; {@code forced} promotes whatever the policy says. */
  @Nullable Found find(String key, boolean forced) {
    for (int i = 0; i < tiers.size(); i++) {
      Tier tier = tiers.get(i);
      ValueWithTtl<byte[]> found;
      try {
        found = tier.backend.getWithTtl(key);
      } catch (BackendException e) {
        logger.debug("Skipping {} on a read: {}", tier.backend.name(), e.toString());
        continue;
      }
      if (found != null) {
        return new Found(found.value(), found.ttl(), i, forced || tier.promotes(key));
      }
    }
    return null;
  }

  /** Copies what tier {@code below} had into the lower tiers above it, for what it still lives there. */
  void promoteAbove(int below, String key, byte[] bytes, Duration ttl) {
    for (int i = 0; i < below; i++) {
      write(tiers.get(i), key, bytes, ttl);
    }
  }

  /** Tells every tier the key now holds these bytes for this time to live (scaled per tier). */
  void written(String key, byte[] bytes, Duration ttl) {
    for (Tier tier : tiers) {
      if (ttl.isZero()) {
        remove(tier, key);
      } else if (Ttl.isUnchanged(ttl)) {
        update(tier, key, bytes);
      } else {
        write(tier, key, bytes, scaled(ttl, tier.ttlScale));
      }
    }
  }

  /** Tells every tier the key is gone (or changed in a way a copy cannot follow). */
  void removed(String key) {
    for (Tier tier : tiers) {
      remove(tier, key);
    }
  }

  /** Empties every tier of this cache. */
  void clear() {
    for (Tier tier : tiers) {
      tier.backend.clear();
    }
  }

  /** Reports each tier's health, fastest first. */
  List<Health> health() {
    List<Health> health = new ArrayList<>(tiers.size());
    tiers.forEach(tier -> health.add(tier.backend.healthCheck()));
    return health;
  }

  @Override
  public void close() {
    tiers.forEach(tier -> tier.backend.close());
  }

  private static void write(Tier tier, String key, byte[] bytes, Duration ttl) {
    try {
      tier.backend.setWithTtl(key, bytes, ttl);
    } catch (BackendException e) {
      logger.warn("{} missed a write: dropping its copy of the key ({})", tier.backend.name(), e.toString());
      remove(tier, key);
    }
  }

  /** Replaces the value of a copy the tier holds, keeping that copy's own expiry; adds none. */
  private static void update(Tier tier, String key, byte[] bytes) {
    try {
      tier.backend.getAndPut(key, bytes, Duration.ZERO, Ttl.UNCHANGED);
    } catch (BackendException e) {
      logger.warn("{} missed an update: dropping its copy of the key ({})", tier.backend.name(), e.toString());
      remove(tier, key);
    }
  }

  private static void remove(Tier tier, String key) {
    try {
      tier.backend.remove(key);
    } catch (BackendException e) {
      logger.warn("{} could not drop a changed key: it may answer with the old value until its copy "
          + "expires ({})", tier.backend.name(), e.toString());
    }
  }

  private static Duration scaled(Duration ttl, int scale) {
    if (Ttl.isEternal(ttl) || scale == 1) {
      return ttl;
    }
    try {
      return ttl.multipliedBy(scale);
    } catch (ArithmeticException tooLong) {
      return Ttl.ETERNAL;
    }
  }
}
