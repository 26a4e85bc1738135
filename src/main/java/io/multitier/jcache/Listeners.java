package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.event.EventStreamListener;
import io.multitier.jcache.tier.Store;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;

/**
 * Keeps a cache's entry listeners: those its configuration names, its event stream, and those
 * registered later, kept in its configuration too; from the first one on, they also hear the
 * changes the engine reports from the shared tier.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Listeners<K, V> {

  private final Cache<K, V> cache;
  private final MultiTierConfiguration<K, V> configuration;
  private final Store<K, V> store;
  private final EventDispatcher<K, V> dispatcher;
  private final AtomicBoolean hearingSharedEvents = new AtomicBoolean();

  /** Registers the listeners the configuration names. */
  Listeners(Cache<K, V> cache, MultiTierConfiguration<K, V> configuration, Store<K, V> store,
      EventDispatcher<K, V> dispatcher) {
    this.cache = requireNonNull(cache);
    this.configuration = requireNonNull(configuration);
    this.store = requireNonNull(store);
    this.dispatcher = requireNonNull(dispatcher);
    for (CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
      dispatcher.register(listener);
    }
    if (configuration.getEventStream() != null) {
      dispatcher.register(EventStreamListener.configuration(store.streams().orElseThrow(),
          configuration.getEventStream(), configuration.getEventStreamMaxLength()));
    }
    if (dispatcher.hasListeners()) {
      hearSharedEvents();
    }
  }

  /** Registers a listener. */
  void register(CacheEntryListenerConfiguration<K, V> listener) {
    dispatcher.register(listener);
    configuration.addCacheEntryListenerConfiguration(listener);
    hearSharedEvents();
  }

  /** Deregisters a listener. */
  void deregister(CacheEntryListenerConfiguration<K, V> listener) {
    dispatcher.deregister(listener);
    configuration.removeCacheEntryListenerConfiguration(listener);
  }

  /** Has the listeners hear, from the first one on, of Redis's expiries and, with cluster events, of other JVMs' changes. */
  private void hearSharedEvents() {
    if (hearingSharedEvents.compareAndSet(false, true)) {
      store.onSharedEvents(change -> dispatcher.publishShared(cache, change));
    }
  }
}
