package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.InvalidationListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One cache's invalidations heard through Redis's client-side tracking ({@link Tracking}): the keys
 * of this cache that this CacheManager read and that changed since, and "every key" when a tracking
 * connection was lost or replaced, or Redis was flushed.
 */
final class TrackingChannel implements Invalidations {

  private final CacheLink link;
  private final Watcher<TrackingChannel> tracking;
  private final InvalidationListeners listeners = new InvalidationListeners(this);
  private final AtomicBoolean listening = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Creates the channel of one cache; once it has a listener, {@code tracking} tells it what changed. */
  TrackingChannel(CacheLink link, Watcher<TrackingChannel> tracking) {
    this.link = requireNonNull(link, "link");
    this.tracking = requireNonNull(tracking, "tracking");
  }

  @Override
  public void listen(InvalidationListener<String> listener) {
    requireNonNull(listener, "listener");
    if (closed.get()) {
      throw new IllegalStateException(link + " is closed");
    }
    listeners.add(listener);
    if (listening.compareAndSet(false, true)) {
      // no copy is kept before this: from now on every change of a key read is heard, or the copies dropped
      listeners.confirmed(System.nanoTime());
      tracking.watch(this);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      listeners.clear();
      tracking.unwatch(this);
    }
  }

  /** Returns the cache's name as it appears in its Redis keys. */
  String encodedName() {
    return link.namespace().encodedName();
  }

  /** Tells the listeners that a key of the cache changed. */
  void invalidated(String encodedKey) {
    listeners.invalidated(encodedKey);
  }

  /** Tells the listeners that every key of the cache may have changed. */
  void invalidatedAll() {
    listeners.invalidatedAll();
  }

  /** Notes that Redis confirmed, for a question asked at {@code askedAt}, that this CacheManager hears every change. */
  void confirmed(long askedAt) {
    listeners.confirmed(askedAt);
  }

  /** See {@link InvalidationListeners#checkHearing}. */
  InvalidationListeners.Hearing checkHearing(long now, long boundNanos) {
    return listeners.checkHearing(now, boundNanos);
  }

  @Override
  public String toString() {
    return link.toString();
  }
}
