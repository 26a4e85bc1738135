package io.multitier.jcache.tier;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The wait between two tries for a key's lease that another client holds: 1 ms, doubling up to
 * 20 ms. One instance per wait; not thread-safe.
 */
final class Backoff {

  private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(20);

  private long pause = FIRST_PAUSE;
  private long waited;

  /** Returns how long the pauses so far took, in nanoseconds. */
  long waited() {
    return waited;
  }

  /** Parks the calling thread for the next pause. */
  void pause() {
    LockSupport.parkNanos(pause);
    waited += pause;
    pause = Math.min(pause * 2, LONGEST_PAUSE);
  }
}
