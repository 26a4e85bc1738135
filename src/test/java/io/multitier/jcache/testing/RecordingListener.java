package io.multitier.jcache.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A listener of all four event types that records what it receives, with the thread it ran in.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RecordingListener<K, V> implements CacheEntryCreatedListener<K, V>,
    CacheEntryUpdatedListener<K, V>, CacheEntryRemovedListener<K, V>, CacheEntryExpiredListener<K, V> {

  /** One event as the listener saw it. */
  public record Seen(EventType type, Object key, Object value, Object oldValue,
      boolean oldValueAvailable, Thread thread) {
    /** The event without the thread, for comparisons. */
    public String brief() {
      return type + " " + key + "=" + value + (oldValueAvailable ? " (was " + oldValue + ")" : "");
    }
  }

  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile RuntimeException failure;

  /** Returns every event received so far, in order. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** Returns the events received so far in {@link Seen#brief()} form. */
  public List<String> briefs() {
    return seen.stream().map(Seen::brief).toList();
  }

  /** Makes every later delivery throw the exception after recording the event; {@code null} stops it. */
  public RecordingListener<K, V> failWith(RuntimeException failure) {
    this.failure = failure;
    return this;
  }

  /** Returns a listener configuration for this instance. */
  public MutableCacheEntryListenerConfiguration<K, V> configuration(boolean synchronous) {
    return configuration(synchronous, null);
  }

  /** Returns a listener configuration for this instance with a filter. */
  public MutableCacheEntryListenerConfiguration<K, V> configuration(boolean synchronous,
      Factory<CacheEntryEventFilter<? super K, ? super V>> filter) {
    Factory<CacheEntryListener<? super K, ? super V>> factory = () -> this;
    return new MutableCacheEntryListenerConfiguration<>(factory, filter, true, synchronous);
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(events);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    record(events);
  }

  private void record(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    for (CacheEntryEvent<? extends K, ? extends V> event : events) {
      seen.add(new Seen(event.getEventType(), event.getKey(), event.getValue(),
          event.isOldValueAvailable() ? event.getOldValue() : null, event.isOldValueAvailable(),
          Thread.currentThread()));
    }
    RuntimeException toThrow = failure;
    if (toThrow != null) {
      throw toThrow;
    }
  }
}
