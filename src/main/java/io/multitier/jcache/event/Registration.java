package io.multitier.jcache.event;

import java.io.Closeable;
import java.util.List;
import java.util.concurrent.Executor;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered listener with its filter. Asynchronous delivery goes through a queue of its own,
 * so the listener sees the events in the order they were published.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Registration<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(Registration.class);

  private final CacheEntryListenerConfiguration<K, V> configuration;
  private final CacheEntryListener<? super K, ? super V> listener;
  private final @Nullable CacheEntryEventFilter<? super K, ? super V> filter;
  private final SerialExecutor queue;

  Registration(CacheEntryListenerConfiguration<K, V> configuration, Executor executor) {
    this.configuration = configuration;
    this.listener = configuration.getCacheEntryListenerFactory().create();
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    this.filter = (filterFactory == null) ? null : filterFactory.create();
    this.queue = new SerialExecutor(executor);
  }

  CacheEntryListenerConfiguration<K, V> configuration() {
    return configuration;
  }

  boolean isSynchronous() {
    return configuration.isSynchronous();
  }

  /** Returns whether the listener takes events of this type. */
  boolean accepts(EventType type) {
    switch (type) {
      case CREATED: return listener instanceof CacheEntryCreatedListener;
      case UPDATED: return listener instanceof CacheEntryUpdatedListener;
      case REMOVED: return listener instanceof CacheEntryRemovedListener;
      default: return listener instanceof CacheEntryExpiredListener;
    }
  }

  /** Delivers the event in this thread if the filter lets it through. */
  void deliver(EntryEvent<K, V> event) {
    if (filter != null && !filter.evaluate(event)) {
      return;
    }
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    try {
      dispatch(event.getEventType(), events);
    } catch (CacheEntryListenerException | Error e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CacheEntryListenerException("A cache entry listener failed on " + event + ": " + e, e);
    }
  }

  /** Queues the event for delivery on the executor, after every event queued before it. */
  void deliverLater(EntryEvent<K, V> event) {
    queue.execute(() -> {
      try {
        deliver(event);
      } catch (RuntimeException | Error e) {
        logger.warn("An asynchronous cache entry listener failed on {}", event, e);
      }
    });
  }

  @SuppressWarnings("unchecked")
  private void dispatch(EventType type, List<CacheEntryEvent<? extends K, ? extends V>> events) {
    @SuppressWarnings("rawtypes")
    Iterable raw = events;
    switch (type) {
      case CREATED:
        ((CacheEntryCreatedListener<K, V>) listener).onCreated(raw);
        break;
      case UPDATED:
        ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(raw);
        break;
      case REMOVED:
        ((CacheEntryRemovedListener<K, V>) listener).onRemoved(raw);
        break;
      default:
        ((CacheEntryExpiredListener<K, V>) listener).onExpired(raw);
        break;
    }
  }

  /** Closes the listener and filter if they hold resources. */
  void close() {
    for (Object resource : new Object[] {listener, filter}) {
      if (resource instanceof Closeable) {
        try {
          ((Closeable) resource).close();
        } catch (Exception e) {
          logger.warn("Failed to close {}", resource, e);
        }
      }
    }
  }
}
