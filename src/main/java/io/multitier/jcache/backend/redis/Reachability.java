package io.multitier.jcache.backend.redis;

import io.multitier.jcache.spi.Health;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The last PING of one Redisson client's servers. A failed one is reused for a moment, so that the
 * caches a CacheManager creates together while Redis is down (or drops packets, where each PING
 * waits out the connect timeout) probe it once, not once each.
 */
final class Reachability {

  private static final long REUSED_FOR = TimeUnit.SECONDS.toNanos(1);

  private @Nullable Health failure;
  private long failedAt;

  /** Returns a failure of less than a second ago, else what {@code ping} answers now, one caller at a time. */
  synchronized Health probe(Supplier<Health> ping) {
    if (failure != null && System.nanoTime() - failedAt < REUSED_FOR) {
      return failure;
    }
    Health health = ping.get();
    if (health.healthy()) {
      failure = null;
    } else {
      failure = health;
      failedAt = System.nanoTime();
    }
    return health;
  }

  /** Returns why the last PING failed, or {@code null} if it was answered (or none was sent). */
  synchronized @Nullable String lastFailure() {
    return (failure == null) ? null : failure.detail();
  }
}
