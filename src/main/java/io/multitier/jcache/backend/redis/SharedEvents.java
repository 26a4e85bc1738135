package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.SharedEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cache's events that happen in Redis: the entries Redis expires, heard through
 * {@link ExpiryNotifications}, and, if the cache keeps a change stream, every change any client
 * made, this one's too, read from that stream in its order ({@link ChangeFeed}).
 */
final class SharedEvents implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(SharedEvents.class);

  private final CacheLink link;
  private final long eventsMaxLength;
  private final Watcher<SharedEvents> expiries;
  private final List<Consumer<SharedEvent<String, byte[]>>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private @Nullable ChangeFeed changeFeed;

  /**
   * Creates the events of one cache: Redis's expiries heard through {@code expiries}, and, if
   * {@code eventsMaxLength} is positive, the cache's change stream followed.
   */
  SharedEvents(CacheLink link, long eventsMaxLength, Watcher<SharedEvents> expiries) {
    this.link = requireNonNull(link, "link");
    this.eventsMaxLength = eventsMaxLength;
    this.expiries = requireNonNull(expiries, "expiries");
  }

  /** Starts telling the listener of the cache's shared events; the first listener starts hearing them. */
  void listen(Consumer<SharedEvent<String, byte[]>> listener) {
    requireNonNull(listener, "listener");
    synchronized (listeners) {
      if (closed.get()) {
        throw new IllegalStateException(link + " is closed");
      }
      if (listeners.isEmpty()) {
        link.call("listen", () -> {
          expiries.watch(this);
          return null;
        });
        if (eventsMaxLength > 0) {
          changeFeed = link.call("listen",
              () -> new ChangeFeed(link.client(), link.namespace().eventsKey(), link.cacheName(), this::changed));
        }
      }
      listeners.add(listener);
    }
  }

  /** Stops telling the listeners and stops hearing the events. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listeners.clear();
    synchronized (listeners) {
      expiries.unwatch(this);
      if (changeFeed != null) {
        changeFeed.close();
        changeFeed = null;
      }
    }
  }

  /** Returns what every Redis key of this cache starts with. */
  String tag() {
    return link.namespace().tag();
  }

  /** Tells the listeners that Redis expired the key. */
  void expired(String encodedKey) {
    share(new SharedEvent<>(EventType.EXPIRED, encodedKey, null, null, SharedEvent.Source.STORE));
  }

  @Override
  public String toString() {
    return link.toString();
  }

  private void changed(Map<String, byte[]> fields) {
    byte[] kind = fields.get("t");
    byte[] key = fields.get("k");
    if (kind == null || kind.length != 1 || key == null) {
      return;
    }
    EventType type;
    switch (kind[0]) {
      case 'C': type = EventType.CREATED; break;
      case 'U': type = EventType.UPDATED; break;
      case 'R': type = EventType.REMOVED; break;
      case 'E': type = EventType.EXPIRED; break;
      default: return;
    }
    byte[] from = fields.get("s");
    SharedEvent.Source source = (from != null && link.sender().equals(new String(from, UTF_8)))
        ? SharedEvent.Source.THIS_CLIENT : SharedEvent.Source.OTHER_CLIENT;
    share(new SharedEvent<>(type, new String(key, UTF_8), fields.get("v"), fields.get("o"), source));
  }

  private void share(SharedEvent<String, byte[]> event) {
    for (Consumer<SharedEvent<String, byte[]>> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        logger.warn("A listener of {} failed on {} {}", link, event.type(), event.key(), e);
      }
    }
  }
}
