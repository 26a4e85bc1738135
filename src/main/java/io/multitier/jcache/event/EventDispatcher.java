package io.multitier.jcache.event;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.SharedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * Delivers entry events to the registered listeners of one cache.
 *
 * <p>Synchronous listeners run in the thread that changed the entry, before the cache operation
 * returns: the events an operation publishes wait in that thread until the operation calls
 * {@link #awaitSynchronous()}, so no listener runs while the operation holds a lock. If one fails,
 * the operation still completes and then throws the listener's {@link CacheEntryListenerException}
 * from {@link #awaitSynchronous()}.
 *
 * <p>Asynchronous listeners run on the executor, each in publication order. The engine publishes
 * a write's events under the key's lock, so the events of one key are published in the order its
 * writes took effect, even when several threads write the key at once.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventDispatcher<K, V> {

  private final Executor executor;
  /** Where synchronous listeners hear changes the shared tier reports, in the order reported. */
  private final Executor sharedSynchronous;
  private final Map<CacheEntryListenerConfiguration<K, V>, Registration<K, V>> registrations =
      new ConcurrentHashMap<>();
  private final AtomicInteger asynchronousCount = new AtomicInteger();
  /** Whether asynchronous listeners hear this JVM's changes from the shared tier's change stream, not at once. */
  private volatile boolean inStoreOrder;
  /** Whether a synchronous listener was ever registered: until then no thread has anything to await. */
  private volatile boolean everSynchronous;
  private final ThreadLocal<@Nullable List<Pending<K, V>>> pendingSynchronous = new ThreadLocal<>();
  private final ThreadLocal<@Nullable RuntimeException> synchronousFailure = new ThreadLocal<>();
  private final ThreadLocal<@Nullable Error> synchronousError = new ThreadLocal<>();

  /** Creates a dispatcher whose asynchronous listeners run on the executor. */
  public EventDispatcher(Executor executor) {
    this.executor = requireNonNull(executor, "executor");
    this.sharedSynchronous = new SerialExecutor(executor);
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
    registrations.computeIfAbsent(configuration, c -> {
      if (c.isSynchronous()) {
        everSynchronous = true;
      } else {
        asynchronousCount.incrementAndGet();
      }
      return new Registration<>(c, executor);
    });
  }

  /** Deregisters a listener; does nothing if it was not registered. */
  public void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    requireNonNull(configuration, "configuration");
    Registration<K, V> registration = registrations.remove(configuration);
    if (registration != null) {
      if (!registration.isSynchronous()) {
        asynchronousCount.decrementAndGet();
      }
      registration.close();
    }
  }

  /** Returns whether any listener is registered. */
  public boolean hasListeners() {
    return !registrations.isEmpty();
  }

  /** Returns whether a registered listener takes events of the type: only then does a write need the value it replaced. */
  public boolean listensTo(EventType type) {
    if (registrations.isEmpty()) {
      return false;
    }
    for (Registration<K, V> registration : registrations.values()) {
      if (registration.accepts(type)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns whether an asynchronous listener is registered: only then must the events of one key be
   * published in the order its writes took effect, which the engine keeps by publishing under the
   * key's lock.
   */
  public boolean hasAsynchronousListeners() {
    return asynchronousCount.get() > 0;
  }

  /** Publishes the creation of an entry. */
  public void publishCreated(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.CREATED, key, value, null, false);
  }

  /** Publishes an update of an entry, with the value it replaced. */
  public void publishUpdated(Cache<K, V> cache, K key, V oldValue, V newValue) {
    publish(cache, EventType.UPDATED, key, newValue, oldValue, true);
  }

  /** Publishes an update of an entry whose replaced value was not read back: no listener took updates when the write began. */
  public void publishUpdated(Cache<K, V> cache, K key, V newValue) {
    publish(cache, EventType.UPDATED, key, newValue, null, false);
  }

  /** Publishes the removal of an entry, with the value it held. */
  public void publishRemoved(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.REMOVED, key, value, value, true);
  }

  /** Publishes the expiry of an entry, with the value it held. */
  public void publishExpired(Cache<K, V> cache, K key, V value) {
    publish(cache, EventType.EXPIRED, key, value, value, true);
  }

  /**
   * Has asynchronous listeners hear this JVM's own changes from {@link #publishShared}, in the order
   * the shared tier took every JVM's changes, instead of at once (caches with cluster events);
   * synchronous listeners still hear them before the operation returns.
   */
  public void deliverAsynchronousInStoreOrder() {
    inStoreOrder = true;
  }

  /**
   * Delivers a change the shared tier reports: another JVM's, or Redis's expiry, to every listener;
   * this JVM's own, which synchronous listeners heard already, to the asynchronous ones if they hear
   * in the shared tier's order. Synchronous listeners hear shared changes on the executor, one at a
   * time in the order reported, never on the thread that reported them (a Redis client's), and
   * their failures are forgotten: no operation of this JVM waits for them.
   */
  public void publishShared(Cache<K, V> cache, SharedEvent<K, V> change) {
    EntryEvent.Origin origin;
    switch (change.source()) {
      case STORE: origin = EntryEvent.Origin.SHARED_TIER; break;
      case OTHER_CLIENT: origin = EntryEvent.Origin.OTHER_JVM; break;
      default:
        if (!inStoreOrder) {
          return;
        }
        origin = EntryEvent.Origin.THIS_JVM;
    }
    V old = change.oldValue();
    switch (change.type()) {
      case CREATED:
        publish(cache, EventType.CREATED, change.key(), change.value(), null, false, origin, true);
        break;
      case UPDATED:
        publish(cache, EventType.UPDATED, change.key(), change.value(), old, old != null, origin, true);
        break;
      default:
        publish(cache, change.type(), change.key(), old, old, old != null, origin, true);
    }
    List<Pending<K, V>> pending = pendingSynchronous.get();
    if (pending != null) {
      pendingSynchronous.remove();
      sharedSynchronous.execute(() -> pending.forEach(Pending::deliverQuietly));
    }
  }

  /**
   * Runs the synchronous listeners of the events this thread published since the last call, then
   * throws the first failure of one, if any.
   */
  public void awaitSynchronous() {
    if (!everSynchronous) {
      return;
    }
    deliverPending();
    Error error = synchronousError.get();
    RuntimeException failure = synchronousFailure.get();
    forgetFailures();
    if (error != null) {
      throw error;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Runs the synchronous listeners of the events this thread published, as the entries did change,
   * but forgets their failures (the operation failed anyway).
   */
  public void ignoreSynchronous() {
    deliverPending();
    forgetFailures();
  }

  private void forgetFailures() {
    if (synchronousFailure.get() != null || synchronousError.get() != null) {
      synchronousFailure.remove();
      synchronousError.remove();
    }
  }

  private void deliverPending() {
    List<Pending<K, V>> pending = pendingSynchronous.get();
    if (pending == null) {
      return;
    }
    pendingSynchronous.remove();
    for (Pending<K, V> delivery : pending) {
      deliverNow(delivery.registration(), delivery.event());
    }
  }

  /** Deregisters every listener. */
  public void close() {
    for (CacheEntryListenerConfiguration<K, V> configuration : registrations.keySet()) {
      deregister(configuration);
    }
  }

  private void publish(Cache<K, V> cache, EventType type, K key, @Nullable V value, @Nullable V oldValue,
      boolean hasOldValue) {
    publish(cache, type, key, value, oldValue, hasOldValue, EntryEvent.Origin.THIS_JVM, false);
  }

  private void publish(Cache<K, V> cache, EventType type, K key, @Nullable V value, @Nullable V oldValue,
      boolean hasOldValue, EntryEvent.Origin origin, boolean fromStore) {
    if (registrations.isEmpty()) {
      return;
    }
    for (Registration<K, V> registration : registrations.values()) {
      if (!registration.accepts(type)) {
        continue;
      }
      if (inStoreOrder && origin == EntryEvent.Origin.THIS_JVM && registration.isSynchronous() == fromStore) {
        continue;
      }
      EntryEvent<K, V> event = new EntryEvent<>(cache, type, key, value, oldValue, hasOldValue, origin);
      if (registration.isSynchronous()) {
        List<Pending<K, V>> pending = pendingSynchronous.get();
        if (pending == null) {
          pending = new ArrayList<>(2);
          pendingSynchronous.set(pending);
        }
        pending.add(new Pending<>(registration, event));
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

  /** An event waiting for a synchronous listener. */
  private record Pending<K, V>(Registration<K, V> registration, EntryEvent<K, V> event) {

    /** Delivers the event; a failure of the listener is forgotten. */
    void deliverQuietly() {
      try {
        registration.deliver(event);
      } catch (RuntimeException e) {
        // nobody waits for a shared change: the listener's own failure is all it affects
      }
    }
  }
}
