package io.multitier.jcache.configuration;

import java.util.Locale;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * What a tiered cache does while its shared tier (Redis) cannot be reached: the connection is down,
 * a command timed out, or the server answered with an error. See {@code docs/operations.md}.
 *
 * <p>Under both policies an L1 hit is answered from memory without touching Redis while this JVM
 * can vouch for its copies (Redis answered its reconciliation within {@code reconcileInterval} + 1 s;
 * past that, {@code FAIL_FAST} drops them and {@code SERVE_LOCAL} serves them counted in
 * {@code l1.unvouched}), a write is
 * acknowledged only once Redis has it (a write that fails raises {@link javax.cache.CacheException}
 * and drops this JVM's L1 copy of the key), and once the invalidation subscription is restored
 * every L1 copy is dropped.
 */
public enum DegradationPolicy {

  /**
   * Every operation that needs Redis raises {@link javax.cache.CacheException} naming the tier and
   * the operation. The default.
   */
  FAIL_FAST {
    @Override
    public <T extends @Nullable Object> T onReadFailure(CacheException failure, T fallback) {
      throw failure;
    }
  },

  /**
   * Reads carry on: a key missing from L1 is treated as a miss (so a read-through cache calls its
   * {@code CacheLoader}, whose value is returned but not stored), {@code containsKey} answers from
   * L1, and an access that shortens an entry's life, which Redis cannot take, drops the L1 copy
   * instead of failing. Writes, conditional operations, {@code invoke}, {@code clear} and iteration
   * still raise {@link javax.cache.CacheException}: nothing is acknowledged that Redis does not hold.
   */
  SERVE_LOCAL {
    @Override
    public <T extends @Nullable Object> T onReadFailure(CacheException failure, T fallback) {
      return fallback;
    }
  };

  /**
   * Decides what a read-side call that L2 could not answer gives its caller: the fallback (a miss,
   * "not stored", "not present") or the failure itself; the engine asks it in one place (its guard of the shared tier).
   */
  public abstract <T extends @Nullable Object> T onReadFailure(CacheException failure, T fallback);

  /** Reads a policy name: {@code FAIL_FAST}, {@code fail-fast}, {@code failFast}, any case. */
  public static DegradationPolicy parse(String name) {
    String normalised = name.strip().replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase(Locale.ROOT);
    try {
      return valueOf(normalised);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("degradation must be FAIL_FAST or SERVE_LOCAL, not '" + name + "'", e);
    }
  }
}
