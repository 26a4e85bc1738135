package io.multitier.jcache.event;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;

/**
 * Delivers entry events to the registered listeners of one cache.
 *
 * <p>Synchronous listeners run in the thread that changed the entry, before the cache operation
 * returns; if one fails, the operation still completes and then throws the listener's
 * {@link CacheEntryListenerException} from {@link #awaitSynchronous()}. Asynchronous listeners run
 * on the executor, each in publication order.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventDispatcher<K, V> {

  private final Executor executor;
  private final Map<CacheEntryListenerConfiguration<K, V>, Registration<K, V>> registrations =
      new ConcurrentHashMap<>();
  private final ThreadLocal<RuntimeException> synchronousFailure = new ThreadLocal<>();
  private final ThreadLocal<Error> synchronousError = new ThreadLocal<>();

  /** Creates a dispatcher whose asynchronous listeners run on the executor. */
  public EventDispatcher(Executor executor) {
    this.executor = requireNonNull(executor, "executor");
  }

  /** Registers a listener; a configuration can be registered only once. */
  public void register(CacheEntryListenerConfiguration<K, V> configuration) {
    requireNonNull(configuration, "configuration");
    if (configuration.getCacheEntryListenerFactory() == null) {
      throw new IllegalArgumentException("The listener configuration has no listener factory");
    }
    if (registrations.containsKey(configuration)) {
      throw new IllegalArgumentException("This listener configuration is already registered");
    }
    registrations.computeIfAbsent(configuration, c -> new Registration<>(c, executor));
  }

  /** Deregisters a listener; does nothing if it was not registered. */
  public void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    requireNonNull(configuration, "configuration");
    Registration<K, V> registration = registrations.remove(configuration);
    if (registration != null) {
      registration.close();
    }
  }

  /** Returns whether any listener is registered. */
  public boolean hasListeners() {
    return !registrations.isEmpty();
  }

  /** Publishes the creation of an entry. */
  public void publishCreated(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.CREATED, key, value, null, false);
  }

  /** Publishes an update of an entry, with the value it replaced. */
  public void publishUpdated(Cache<K, V> cache, K key, V oldValue, V newValue) {
    publish(cache, EventType.UPDATED, key, newValue, oldValue, true);
  }

  /** Publishes the removal of an entry, with the value it held. */
  public void publishRemoved(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.REMOVED, key, value, value, true);
  }

  /** Publishes the expiry of an entry, with the value it held. */
  public void publishExpired(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.EXPIRED, key, value, value, true);
  }

  /** Throws the failure of a synchronous listener that ran in this thread since the last call, if any. */
  public void awaitSynchronous() {
    Error error = synchronousError.get();
    RuntimeException failure = synchronousFailure.get();
    ignoreSynchronous();
    if (error != null) {
      throw error;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Forgets the failures of synchronous listeners in this thread (the operation failed anyway). */
  public void ignoreSynchronous() {
    if (synchronousFailure.get() != null || synchronousError.get() != null) {
      synchronousFailure.remove();
      synchronousError.remove();
    }
  }

  /** Deregisters every listener. */
  public void close() {
    for (CacheEntryListenerConfiguration<K, V> configuration : registrations.keySet()) {
      deregister(configuration);
    }
  }

  private void publish(Cache<K, V> cache, EventType type, K key, V value, V oldValue,
      boolean hasOldValue) {
    if (registrations.isEmpty()) {
      return;
    }
    for (Registration<K, V> registration : registrations.values()) {
      if (!registration.accepts(type)) {
        continue;
      }
      EntryEvent<K, V> event = new EntryEvent<>(cache, type, key, value, oldValue, hasOldValue);
      if (registration.isSynchronous()) {
        deliverNow(registration, event);
      } else {
        registration.deliverLater(event);
      }
    }
  }

  private void deliverNow(Registration<K, V> registration, EntryEvent<K, V> event) {
    try {
      registration.deliver(event);
    } catch (Error e) {
      if (synchronousError.get() == null) {
        synchronousError.set(e);
      }
    } catch (RuntimeException e) {
      RuntimeException first = synchronousFailure.get();
      if (first == null) {
        synchronousFailure.set(e);
      } else if (first != e) {
        first.addSuppressed(e);
      }
    }
  }
}
