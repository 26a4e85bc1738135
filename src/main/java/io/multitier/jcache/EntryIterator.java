package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.tier.Store;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import javax.cache.Cache;
import org.jspecify.annotations.Nullable;

/**
 * Iterates over a cache's entries as JSR-107 says: each entry read is a hit, entries that went
 * away meanwhile are skipped, and {@code remove()} removes the last one through the cache.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class EntryIterator<K, V> implements Iterator<Cache.Entry<K, V>> {

  private final Iterator<K> keys;
  private final Store<K, V> store;
  private final Copies copies;
  private final JCacheStatistics statistics;
  private final EventDispatcher<K, V> dispatcher;
  private final Consumer<K> remove;
  private Cache.@Nullable Entry<K, V> next;
  private @Nullable K last;

  /** Creates the iterator; {@code remove} removes a key through the cache, which checks that it is open. */
  EntryIterator(Store<K, V> store, Copies copies, JCacheStatistics statistics,
      EventDispatcher<K, V> dispatcher, Consumer<K> remove) {
    this.store = requireNonNull(store);
    this.keys = store.keys();
    this.copies = requireNonNull(copies);
    this.statistics = requireNonNull(statistics);
    this.dispatcher = requireNonNull(dispatcher);
    this.remove = requireNonNull(remove);
  }

  @Override
  public boolean hasNext() {
    while (next == null && keys.hasNext()) {
      K key = keys.next();
      V value = store.get(key);
      if (value != null) {
        statistics.recordHits(1);
        next = new CacheEntry<>(copies.out(key), copies.out(value));
      }
    }
    dispatcher.awaitSynchronous();
    return next != null;
  }

  @Override
  public Cache.Entry<K, V> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Cache.Entry<K, V> entry = requireNonNull(next, "hasNext() found one");
    next = null;
    last = entry.getKey();
    return entry;
  }

  @Override
  public void remove() {
    if (last == null) {
      throw new IllegalStateException("next() was not called, or remove() was already called");
    }
    remove.accept(last);
    last = null;
  }
}
