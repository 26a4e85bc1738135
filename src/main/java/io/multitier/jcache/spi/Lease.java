package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A key's lease in a shared tier, as one client takes or holds it: the owner that holds it, and
 * for how long at most. {@link #none()} stands for "no lease" where an operation may run without
 * one ({@link L2CacheBackend#commit}).
 */
public final class Lease {

  private static final Lease NONE = new Lease("", Duration.ZERO);

  private final String owner;
  private final Duration ttl;

  private Lease(String owner, Duration ttl) {
    this.owner = owner;
    this.ttl = ttl;
  }

  /** No lease: the operation neither takes, needs nor gives back one. */
  public static Lease none() {
    return NONE;
  }

  /** The lease of {@code owner} (a non-empty id unique to one thread of one client), held for at most {@code ttl}. */
  public static Lease of(String owner, Duration ttl) {
    requireNonNull(owner, "owner");
    requireNonNull(ttl, "ttl");
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("empty lease owner");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("a lease lasts a positive time: " + ttl);
    }
    return new Lease(owner, ttl);
  }

  /** Returns whether this is {@link #none()}. */
  public boolean isNone() {
    return this == NONE;
  }

  /** Returns the owner's id; empty for {@link #none()}. */
  public String owner() {
    return owner;
  }

  /** Returns how long the lease is held at most; zero for {@link #none()}. */
  public Duration ttl() {
    return ttl;
  }

  @Override
  public String toString() {
    return isNone() ? "Lease.none" : "Lease(" + owner + ", " + ttl + ")";
  }
}
