package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.InvalidationListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one cache's invalidations, whatever the transport, and whether they were last
 * told that this JVM hears every change: a cache whose transport Redis has not vouched for within
 * the staleness bound is told it is not hearing every change, and once Redis vouches again that it is.
 */
final class InvalidationListeners {

  private static final Logger logger = LoggerFactory.getLogger(InvalidationListeners.class);

  private final Object cache;
  private final List<InvalidationListener<String>> listeners = new CopyOnWriteArrayList<>();
  /** When ({@code System.nanoTime()}) the last question that Redis answered for this cache was asked. */
  private final AtomicLong confirmedAt = new AtomicLong();
  /** Whether the listeners were last told that this JVM hears every change; only the reconciliation thread reads and writes it. */
  private boolean hearing = true;

  /** Creates the listeners of a cache, named in log messages by {@code cache}'s {@code toString}. */
  InvalidationListeners(Object cache) {
    this.cache = requireNonNull(cache, "cache");
  }

  void add(InvalidationListener<String> listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  void clear() {
    listeners.clear();
  }

  /** Tells every listener that the key changed. */
  void invalidated(String encodedKey) {
    tell(listener -> listener.invalidated(encodedKey));
  }

  /** Tells every listener that every key may have changed. */
  void invalidatedAll() {
    tell(InvalidationListener::invalidatedAll);
  }

  /**
   * Notes that Redis answered a question asked at {@code askedAt} that vouches for this cache's
   * copies: every change made before then was heard, or is being checked.
   */
  void confirmed(long askedAt) {
    confirmedAt.accumulateAndGet(askedAt, Math::max);
  }

  /**
   * At {@code now}, tells the listeners that this JVM is not hearing every change if nothing was
   * confirmed within {@code boundNanos}, or that it is again; returns what changed. Called on the
   * reconciliation thread only.
   */
  Hearing checkHearing(long now, long boundNanos) {
    boolean heard = now - confirmedAt.get() < boundNanos;
    if (heard == hearing) {
      return Hearing.UNCHANGED;
    }
    hearing = heard;
    if (heard) {
      tell(InvalidationListener::hearingAgain);
      return Hearing.BACK;
    }
    tell(InvalidationListener::notHearing);
    return Hearing.LOST;
  }

  private void tell(Consumer<InvalidationListener<String>> notice) {
    for (InvalidationListener<String> listener : listeners) {
      try {
        notice.accept(listener);
      } catch (RuntimeException e) {
        logger.warn("An invalidation listener of {} failed", cache, e);
      }
    }
  }

  /** What {@link #checkHearing} changed. */
  enum Hearing { UNCHANGED, LOST, BACK }
}
