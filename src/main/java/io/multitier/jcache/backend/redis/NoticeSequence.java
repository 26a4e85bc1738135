package io.multitier.jcache.backend.redis;

/**
 * What one cache's numbered notices tell about missed ones. Redis numbers every change of the
 * cache; this JVM hears the numbers in order on one subscription, its own changes' too. A number
 * that skips one means a notice was lost; a number that Redis reached but this JVM never heard,
 * once the notice has had time to arrive, means the last one was lost; a number that went back
 * means Redis lost changes the copies were checked against (a {@code FLUSHALL}, a restart from an
 * older snapshot, a failover to a replica that lagged: the count is written by the same scripts as
 * the entries, so it is replicated and persisted with them). Each of these answers {@code true}:
 * the cache's copies must be dropped.
 */
final class NoticeSequence {

  private long heard = -1;
  private long awaited = -1;

  /** Takes the number Redis had reached when this JVM subscribed as heard. */
  synchronized void start(long seq) {
    heard = Math.max(heard, seq);
  }

  /** Records a notice's number; returns whether it skipped one. */
  synchronized boolean heard(long seq) {
    if (seq < 0 || heard < 0 || seq <= heard) {
      heard = Math.max(heard, seq);
      return false;
    }
    boolean skipped = seq > heard + 1;
    heard = seq;
    return skipped;
  }

  /**
   * Compares with the number Redis has reached; returns whether it went back. Otherwise a number
   * not yet heard is awaited for {@link #overdue}.
   */
  synchronized boolean compare(long seq) {
    if (seq < heard) {
      heard = seq;
      awaited = -1;
      return true;
    }
    awaited = (seq > heard) ? seq : -1;
    return false;
  }

  /** Returns whether the number awaited since the last {@link #compare} is still unheard, and stops awaiting it. */
  synchronized boolean overdue() {
    boolean lost = awaited > heard;
    if (lost) {
      heard = awaited;
    }
    awaited = -1;
    return lost;
  }
}
