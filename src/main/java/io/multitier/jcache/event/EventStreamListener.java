package io.multitier.jcache.event;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.StreamingBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/**
 * Appends every change of a cache to one of its streams, so that other services, in any language,
 * can follow the cache with a consumer group. Each entry has the fields {@code type}
 * ({@code CREATED}, {@code UPDATED}, {@code REMOVED}, {@code EXPIRED}), {@code key} and
 * {@code value} ({@code String.valueOf} of each). It runs as an asynchronous listener: a write does
 * not wait for the append, and an append that fails is logged and not retried. Each JVM appends its
 * own changes; an expiry that Redis made, which every JVM hears, is appended by the first of them.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventStreamListener<K, V> implements CacheEntryCreatedListener<K, V>,
    CacheEntryUpdatedListener<K, V>, CacheEntryRemovedListener<K, V>, CacheEntryExpiredListener<K, V> {

  /** How long the JVMs that heard Redis expire one entry take to try to append it, at most. */
  private static final Duration ONE_CHANGE = Duration.ofSeconds(2);

  private final StreamingBackend streams;
  private final String stream;
  private final long maxLength;

  private EventStreamListener(StreamingBackend streams, String stream, long maxLength) {
    this.streams = requireNonNull(streams, "streams");
    this.stream = requireNonNull(stream, "stream");
    this.maxLength = maxLength;
  }

  /** Returns the listener configuration that appends a cache's changes to the stream. */
  public static <K, V> CacheEntryListenerConfiguration<K, V> configuration(StreamingBackend streams,
      String stream, long maxLength) {
    EventStreamListener<K, V> listener = new EventStreamListener<>(streams, stream, maxLength);
    Factory<CacheEntryListener<? super K, ? super V>> factory = () -> listener;
    return new MutableCacheEntryListenerConfiguration<>(factory, null, true, false);
  }

  @Override
  public void onCreated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    append(events);
  }

  @Override
  public void onUpdated(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    append(events);
  }

  @Override
  public void onRemoved(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    append(events);
  }

  @Override
  public void onExpired(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    append(events);
  }

  private void append(Iterable<CacheEntryEvent<? extends K, ? extends V>> events) {
    for (CacheEntryEvent<? extends K, ? extends V> event : events) {
      EntryEvent.Origin origin = (event instanceof EntryEvent) ? ((EntryEvent<?, ?>) event).origin()
          : EntryEvent.Origin.THIS_JVM;
      if (origin == EntryEvent.Origin.OTHER_JVM) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("type", event.getEventType().name());
      fields.put("key", String.valueOf(event.getKey()));
      fields.put("value", String.valueOf(event.getValue()));
      if (origin == EntryEvent.Origin.SHARED_TIER) {
        streams.addOnce(stream, fields, maxLength, event.getEventType() + ":" + event.getKey(), ONE_CHANGE);
      } else {
        streams.add(stream, fields, maxLength);
      }
    }
  }
}
