package io.multitier.jcache.backend.redis;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.BackendException;
import io.multitier.jcache.spi.InvalidationListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.redisson.api.RScript.ReturnType;
import org.redisson.api.RTopic;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's invalidations heard on Redis pub/sub: the {@link InvalidationMessage}s the write
 * scripts publish on the CacheManager's channel, numbered by Redis ({@link NoticeSequence}), this
 * instance's own ignored. A hole in the numbers, a count that the {@link Reconciler} finds ahead of
 * the notices heard or gone back, and a restored subscription each tell the listeners that every
 * key may have changed. A cache whose count Redis has not answered within the staleness bound tells
 * them it is not hearing every change, and once it answers again that it is.
 */
final class InvalidationChannel implements Invalidations {

  private static final Logger logger = LoggerFactory.getLogger(InvalidationChannel.class);

  private final CacheLink link;
  private final KeyNamespace namespace;
  private final Watcher<InvalidationChannel> reconciliation;
  private final NoticeSequence sequence = new NoticeSequence();
  private final InvalidationListeners listeners = new InvalidationListeners(this);
  private final List<Integer> topicListenerIds = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable RTopic topic;

  /**
   * Creates the channel of one cache; once subscribed, its notices are compared with Redis's count
   * by {@code reconciliation}.
   */
  InvalidationChannel(CacheLink link, Watcher<InvalidationChannel> reconciliation) {
    this.link = requireNonNull(link, "link");
    this.namespace = link.namespace();
    this.reconciliation = requireNonNull(reconciliation, "reconciliation");
  }

  @Override
  public void listen(InvalidationListener<String> listener) {
    requireNonNull(listener, "listener");
    synchronized (topicListenerIds) {
      if (closed.get()) {
        throw new IllegalStateException(link + " is closed");
      }
      if (topic == null) {
        subscribe();
      }
      listeners.add(listener);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.clear();
    reconciliation.unwatch(this);
    synchronized (topicListenerIds) {
      if (topic != null) {
        try {
          topic.removeListener(topicListenerIds.toArray(Integer[]::new));
        } catch (RuntimeException e) {
          logger.debug("Could not unsubscribe from {}", namespace.channel(), e);
        }
        topic = null;
        topicListenerIds.clear();
      }
    }
  }

  /** Returns the highest number of the cache's notices heard so far. */
  long heardSoFar() {
    return sequence.highest();
  }

  /** Returns the Redis key of this cache's change count, which {@link Reconciler} reads. */
  String sequenceKey() {
    return namespace.sequenceKey();
  }

  /**
   * Compares the notices heard with Redis's count, read after {@code heardBefore} was heard: drops
   * every copy if the count went back, and if it is ahead, looks again once a notice had time to
   * arrive.
   */
  void compare(long seq, long heardBefore) {
    if (sequence.wentBack(seq, heardBefore)) {
      missed("Redis lost changes (its count of them went back: a FLUSHALL, a restart or a failover)");
    } else if (seq > sequence.highest()) {
      Reconciler.afterGrace(() -> checkMissing(seq, "the last invalidation notice was lost"));
    }
  }

  /**
   * Notes that Redis answered a count of this cache asked at {@code askedAt}: every change made
   * before then was heard, or is being checked ({@link #compare}).
   */
  void confirmed(long askedAt) {
    listeners.confirmed(askedAt);
  }

  /**
   * At {@code now}, tells the listeners that this JVM is not hearing every change if nothing was
   * confirmed within {@code boundNanos}, or that it is again; returns what changed. Called
   * on the reconciliation thread only.
   */
  InvalidationListeners.Hearing checkHearing(long now, long boundNanos) {
    return listeners.checkHearing(now, boundNanos);
  }

  @Override
  public String toString() {
    return link.toString();
  }

  private void subscribe() {
    // no copy is kept before the subscription: from its start on, every change is heard or counted
    confirmed(System.nanoTime());
    RTopic subscribed = link.client().getTopic(namespace.channel(), StringCodec.INSTANCE);
    int messages = link.call("subscribe",
        () -> subscribed.addListener(String.class, (channel, message) -> received(message)));
    try {
      topicListenerIds.add(link.call("subscribe", () -> subscribed.addListener(new Resubscribed())));
    } catch (BackendException e) {
      try {
        subscribed.removeListener(messages);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    topicListenerIds.add(messages);
    topic = subscribed;
    try {
      Long counted = link.eval("subscribe", Scripts.SEQUENCE, ReturnType.INTEGER,
          List.<Object>of(namespace.sequenceKey()));
      sequence.start(counted);
    } catch (BackendException e) {
      logger.debug("{} could not read its sequence number; the first reconciliation drops its L1 copies", link, e);
    }
    reconciliation.watch(this);
  }

  private void checkMissing(long seq, String why) {
    if (sequence.missing(seq)) {
      missed(why);
    }
  }

  private void received(String message) {
    InvalidationMessage parsed = InvalidationMessage.parse(message);
    if (parsed.cache() == null) {
      tellAll();
    } else if (parsed.cache().equals(namespace.encodedName())) {
      long seq = parsed.seq();
      if (sequence.heard(seq)) {
        Reconciler.afterGrace(() -> checkMissing(seq - 1, "an invalidation notice was lost"));
      }
      if (!link.sender().equals(parsed.sender())) {
        List<String> keys = parsed.keys();
        if (keys == null) {
          tellAll();
        } else {
          keys.forEach(listeners::invalidated);
        }
      }
    }
  }

  private void missed(String why) {
    logger.info("{}: {}; dropping the cache's L1 copies", link, why);
    tellAll();
  }

  private void tellAll() {
    listeners.invalidatedAll();
  }

  /** Tells the listeners that notices may have been missed whenever the subscription is restored. */
  private final class Resubscribed implements StatusListener {

    @Override
    public void onSubscribe(String channel) {
      tellAll();
    }

    @Override
    public void onUnsubscribe(String channel) {}
  }
}
