package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Lease;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-key leases this JVM takes in the shared tier: who holds them (one owner per thread), for
 * how long, and how they are given back.
 */
final class Leases {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final L2CacheBackend<String, byte[]> l2;
  private final SharedTierGuard<?, ?> shared;
  private final StoreSettings settings;
  private final String leaseOwner = UUID.randomUUID().toString();

  Leases(L2CacheBackend<String, byte[]> l2, SharedTierGuard<?, ?> shared, StoreSettings settings) {
    this.l2 = requireNonNull(l2, "l2");
    this.shared = requireNonNull(shared, "shared");
    this.settings = requireNonNull(settings, "settings");
  }

  /** Returns the lease owner of the calling thread: leases are per thread, so two threads of this JVM exclude each other too. */
  String owner() {
    return leaseOwner + "/" + Thread.currentThread().getId();
  }

  /** Returns whether an atomic step takes the key's lease: always in a cache that writes through, else for a stampede lease. */
  boolean taken() {
    return settings.writesThrough() || settings.stampedeLease() != null;
  }

  /** Returns how long an atomic step holds a key's lease at most. */
  Duration duration() {
    return settings.writesThrough() ? settings.writeLease()
        : requireNonNull(settings.stampedeLease(), "asked only when a lease is taken");
  }

  /** Returns the calling thread's lease, as an atomic step takes it; only when {@link #taken()}. */
  Lease held() {
    return Lease.of(owner(), duration());
  }

  /** Gives a lease back. */
  void release(String encoded, Lease holder) {
    shared.call(() -> {
      l2.releaseLease(encoded, holder);
      return null;
    }, "releaseLease");
  }

  /** Gives a lease back after a step that failed; if that fails too, the lease runs out by itself. */
  void releaseQuietly(String encoded, Lease holder) {
    try {
      l2.releaseLease(encoded, holder);
    } catch (RuntimeException e) {
      logger.debug("{} could not give a lease back (it runs out by itself): {}", l2.name(), e.toString());
    }
  }
}
