package io.multitier.jcache.backend.redis;

import java.util.TreeSet;

/**
 * What one cache's numbered notices tell about missed ones. Redis numbers every change of the
 * cache; this JVM hears the numbers on one subscription, its own changes' too, in order as far as
 * Redis and Redisson's queue of messages keep it. A number heard above a hole, or a number Redis
 * reached but this JVM has not heard, is given time to arrive; a number still {@link #missing} then was lost. A number that went back
 * means Redis lost changes the copies were checked against (a {@code FLUSHALL}, a restart from an
 * older snapshot, a failover to a replica that lagged: the count is written by the same scripts as
 * the entries, so it is replicated and persisted with them). Either way the cache's copies must be
 * dropped.
 */
final class NoticeSequence {

  /** How many numbers heard above a hole are kept; more means the hole is not closing. */
  private static final int AHEAD_LIMIT = 10_000;

  private long heard = -1;
  private final TreeSet<Long> ahead = new TreeSet<>();

  /** Takes the number Redis had reached when this JVM subscribed as heard. */
  synchronized void start(long seq) {
    heard = Math.max(heard, seq);
  }

  /** Records a notice's number; returns whether it left a hole below it, to look at with {@link #missing}. */
  synchronized boolean heard(long seq) {
    if (seq < 0 || heard < 0) {
      heard = Math.max(heard, seq);
      return false;
    }
    if (seq <= heard) {
      return false;
    }
    if (seq == heard + 1) {
      heard = seq;
      while (!ahead.isEmpty() && ahead.first() == heard + 1) {
        heard = ahead.pollFirst();
      }
      return false;
    }
    boolean first = ahead.isEmpty();
    ahead.add(seq);
    return first || ahead.size() > AHEAD_LIMIT;
  }

  /**
   * Compares the number Redis had reached with {@code heardBefore}, the {@link #highest} number
   * heard before Redis was asked (numbers heard since may be higher); returns whether it went back
   * (the count is then taken as heard). A number above those heard is left to {@link #missing}.
   */
  synchronized boolean wentBack(long seq, long heardBefore) {
    if (seq < heardBefore) {
      heard = seq;
      ahead.clear();
      return true;
    }
    return false;
  }

  /**
   * Returns whether some number up to {@code seq} is still unheard: it was lost. The numbers up to
   * {@code seq} are then taken as heard.
   */
  synchronized boolean missing(long seq) {
    if (heard >= seq) {
      return false;
    }
    heard = seq;
    while (!ahead.isEmpty() && ahead.first() <= heard + 1) {
      heard = Math.max(heard, ahead.pollFirst());
    }
    return true;
  }

  /** Returns the highest number heard, holes or not. */
  synchronized long highest() {
    return ahead.isEmpty() ? heard : Math.max(heard, ahead.last());
  }
}
