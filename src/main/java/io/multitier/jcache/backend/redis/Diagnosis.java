package io.multitier.jcache.backend.redis;

import io.multitier.jcache.spi.Health;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** How a cache's link tells what went wrong with Redis: the setting to correct where it can. */
interface Diagnosis {

  /** Returns what went wrong when a command failed: the failure's message if nothing better. */
  @Nullable String explain(RuntimeException failure);

  /** Returns the health a PING reports, shared with the caches created at the same time where it can be. */
  Health probe(Supplier<Health> ping);

  /** Returns the diagnosis of the connection's own trouble: refused passwords, unreachable servers. */
  static Diagnosis of(ConnectionTrouble trouble) {
    return new Diagnosis() {
      @Override
      public @Nullable String explain(RuntimeException failure) {
        String explained = trouble.explain(failure);
        return (explained != null) ? explained : failure.getMessage();
      }

      @Override
      public Health probe(Supplier<Health> ping) {
        return trouble.probe(ping);
      }
    };
  }

  /** Returns the diagnosis that tells each failure by its message and pings every time. */
  static Diagnosis plain() {
    return new Diagnosis() {
      @Override
      public @Nullable String explain(RuntimeException failure) {
        return failure.getMessage();
      }

      @Override
      public Health probe(Supplier<Health> ping) {
        return ping.get();
      }
    };
  }
}
