package io.multitier.jcache.tier;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The engine's one background thread, shared by every cache, a daemon: it never keeps a JVM from exiting. */
final class Daemon {

  /** Runs the engine's deferred and periodic work: TTL extensions, sweeps of L1 copies. */
  static final ScheduledExecutorService SCHEDULER = create();

  private Daemon() {}

  private static ScheduledExecutorService create() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "multitier-engine");
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
