package io.multitier.jcache.backend.redis;

import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Shuts the open Redisson clients down once no thread of the application is left. Redisson's
 * timer thread is no daemon and no setting makes it one, so without this watch a JVM whose
 * CacheManagers were never closed would not end when its {@code main} returns. The watch is a
 * daemon thread that looks at the JVM's threads a few times a second while a client is open.
 */
final class ExitWatch {

  private static final long PERIOD_MILLIS = 200;
  private static final String TIMER_THREADS = "redisson-timer";
  private static final String LAUNCHER_THREAD = "DestroyJavaVM";

  private final Runnable onExit;
  private @Nullable Thread thread;

  /** Creates the watch; {@code onExit} shuts the clients down. */
  ExitWatch(Runnable onExit) {
    this.onExit = onExit;
  }

  /** Starts watching, if not already. */
  synchronized void start() {
    if (thread == null) {
      thread = new Thread(this::watch, "multitier-exit-watch");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Stops watching: no client is open. */
  synchronized void stop() {
    if (thread != null) {
      thread.interrupt();
      thread = null;
    }
  }

  private void watch() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        TimeUnit.MILLISECONDS.sleep(PERIOD_MILLIS);
        if (onlyTimersLeft()) {
          onExit.run();
          return;
        }
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  /** Returns whether every live thread that keeps the JVM running is a Redisson timer (or the launcher waiting for them). */
  static boolean onlyTimersLeft() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 32];
    int count = root.enumerate(threads, true);
    if (count == threads.length) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      Thread thread = threads[i];
      if (thread.isAlive() && !thread.isDaemon() && !thread.getName().startsWith(TIMER_THREADS)
          && !thread.getName().equals(LAUNCHER_THREAD)) {
        return false;
      }
    }
    return true;
  }
}
