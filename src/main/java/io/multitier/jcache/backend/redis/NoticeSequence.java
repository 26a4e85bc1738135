package io.multitier.jcache.backend.redis;

/**
 * What one cache's numbered notices tell about missed ones. Redis numbers every change of the
 * cache; this JVM hears the numbers in order on one subscription, its own changes' too. A number
 * that skips one means a notice was lost; a number that Redis reached but this JVM never heard,
 * once the notice has had time to arrive, means the last one was lost; a number that went back, or
 * a new server run id, means Redis restarted or failed over. Each of these answers {@code true}:
 * the cache's copies must be dropped.
 */
final class NoticeSequence {

  private long heard = -1;
  private long awaited = -1;
  private String runId;

  /** Takes the number Redis had reached when this JVM subscribed as heard, and the server's run id. */
  synchronized void start(long seq, String serverRunId) {
    heard = Math.max(heard, seq);
    if (serverRunId != null) {
      runId = serverRunId;
    }
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
   * Compares with the number Redis has reached and its run id; returns whether Redis restarted,
   * failed over or lost its count. Otherwise a number not yet heard is awaited for {@link #overdue}.
   */
  synchronized boolean compare(long seq, String serverRunId) {
    boolean restarted = runId != null && serverRunId != null && !runId.equals(serverRunId);
    if (serverRunId != null) {
      runId = serverRunId;
    }
    if (restarted || seq < heard) {
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
