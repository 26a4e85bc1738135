package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Copier;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.event.EventStreamListener;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.integration.Loading;
import io.multitier.jcache.integration.Writing;
import io.multitier.jcache.management.JCacheMXBean;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.management.JmxRegistration;
import io.multitier.jcache.management.JmxRegistration.MBeanType;
import io.multitier.jcache.processor.MutableCacheEntry;
import io.multitier.jcache.processor.ProcessorResult;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.TierStatistics;
import io.multitier.jcache.tier.Write;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.EventType;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSR-107 {@link Cache}: it applies the specification's rules (types, nulls, expiry policy,
 * read-through, write-through, listeners, statistics, store-by-value) and leaves where entries live
 * to the tiering engine, a {@link Store}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class MultiTierCache<K, V> implements Cache<K, V>, TieredCache, ComputingCache<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(MultiTierCache.class);
  private static final long LOAD_WAIT_SECONDS = 30;

  private final String name;
  private final MultiTierCacheManager manager;
  private final MultiTierConfiguration<K, V> configuration;
  private final Store<K, V> store;
  private final Copier copier;
  private final ExpiryCalculator expiry;
  private final CacheLoader<K, V> loader;
  private final CacheWriter<K, V> writer;
  private final EventDispatcher<K, V> dispatcher;
  private final AtomicBoolean hearingSharedEvents = new AtomicBoolean();
  private final JCacheStatistics statistics;
  private final JCacheMXBean mxBean;
  private final Executor executor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConcurrentMap<K, CompletableFuture<V>> loads = new ConcurrentHashMap<>();
  /** Held (shared) by each running loadAll, so that shutdown can wait for them. */
  private final ReentrantReadWriteLock loadsInFlight = new ReentrantReadWriteLock();

  MultiTierCache(String name, MultiTierCacheManager manager, MultiTierConfiguration<K, V> configuration,
      Store<K, V> store, Copier copier, ExpiryCalculator expiry, CacheLoader<K, V> loader,
      CacheWriter<K, V> writer, EventDispatcher<K, V> dispatcher) {
    this.name = requireNonNull(name);
    this.manager = requireNonNull(manager);
    this.configuration = requireNonNull(configuration);
    this.store = requireNonNull(store);
    this.copier = requireNonNull(copier);
    this.expiry = requireNonNull(expiry);
    this.loader = loader;
    this.writer = writer;
    this.dispatcher = requireNonNull(dispatcher);
    this.executor = configuration.getExecutor();
    this.statistics = new JCacheStatistics();
    this.mxBean = new JCacheMXBean(this);
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
    enableManagement(configuration.isManagementEnabled());
    enableStatistics(configuration.isStatisticsEnabled());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public V get(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to get");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V value = store.get(key);
    if (value == null) {
      value = missed(key);
    } else {
      statistics.recordHits(1);
    }
    recordGetTime(start);
    dispatcher.awaitSynchronous();
    return copyOut(value);
  }

  /** Counts a miss of {@code get} and loads the key if the cache reads through; returns the value or {@code null}. */
  private V missed(K key) {
    statistics.recordMisses(1);
    return (configuration.isReadThrough() && loader != null) ? loadOnce(key) : null;
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    requireNoNulls(keys, "getAll");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    Map<K, V> found = store.getAll(keys);
    statistics.recordHits(found.size());
    statistics.recordMisses(keys.size() - found.size());
    if (configuration.isReadThrough() && loader != null && found.size() < keys.size()) {
      List<K> missing = new ArrayList<>();
      for (K key : keys) {
        if (!found.containsKey(key)) {
          missing.add(key);
        }
      }
      Map<K, V> loaded = Loading.loadAll(loader, missing);
      for (K key : missing) {
        V value = loaded.get(key);
        if (value != null) {
          storeLoaded(key, value);
          found.put(key, value);
        }
      }
    }
    Map<K, V> result = new HashMap<>((int) (found.size() / 0.75f) + 1);
    found.forEach((key, value) -> result.put(copyOut(key), copyOut(value)));
    recordGetTime(start);
    dispatcher.awaitSynchronous();
    return result;
  }

  @Override
  public boolean containsKey(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to containsKey");
    boolean present = store.containsKey(key);
    dispatcher.awaitSynchronous();
    return present;
  }

  @Override
  public void loadAll(Set<? extends K> keys, boolean replaceExistingValues,
      CompletionListener completionListener) {
    requireOpen();
    requireNoNulls(keys, "loadAll");
    CompletionListener listener = (completionListener == null) ? NullCompletionListener.INSTANCE
        : completionListener;
    if (loader == null) {
      listener.onCompletion();
      return;
    }
    executor.execute(() -> {
      Exception failure = null;
      // close() waits for a load that runs and keeps the loader open until it is done; a load that
      // starts after close() does not touch the loader
      Lock running = loadsInFlight.readLock();
      running.lock();
      try {
        if (closed.get()) {
          failure = new IllegalStateException("Cache '" + name + "' was closed before loadAll ran");
        } else {
          loadAllNow(keys, replaceExistingValues);
          dispatcher.awaitSynchronous();
        }
      } catch (CacheLoaderException e) {
        dispatcher.ignoreSynchronous();
        failure = e;
      } catch (RuntimeException e) {
        dispatcher.ignoreSynchronous();
        failure = new CacheLoaderException(e);
      } finally {
        running.unlock();
      }
      if (failure == null) {
        listener.onCompletion();
      } else {
        listener.onException(failure);
      }
    });
  }

  private void loadAllNow(Set<? extends K> keys, boolean replaceExistingValues) {
    List<K> toLoad = new ArrayList<>();
    for (K key : keys) {
      if (replaceExistingValues || !store.containsKey(key)) {
        toLoad.add(key);
      }
    }
    Map<K, V> loaded = Loading.loadAll(loader, toLoad);
    for (K key : toLoad) {
      V value = loaded.get(key);
      if (value == null) {
        continue;
      }
      if (replaceExistingValues) {
        putWithoutWriter(key, value);
      } else {
        storeLoaded(key, value);
      }
    }
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    requireOpen();
    requireKeyValue(key, value, "put");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    putAndPublish(key, value, copyIn(key), copyIn(value), writeThrough(key, value), false);
    recordPutTime(start);
    dispatcher.awaitSynchronous();
  }

  @Override
  public V getAndPut(K key, V value) {
    requireOpen();
    requireKeyValue(key, value, "getAndPut");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V previous = putAndPublish(key, value, copyIn(key), copyIn(value), writeThrough(key, value), true);
    if (previous == null) {
      statistics.recordMisses(1);
    } else {
      statistics.recordHits(1);
    }
    recordGetTime(start);
    recordPutTime(start);
    dispatcher.awaitSynchronous();
    return copyOut(previous);
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    requireNonNull(map, "a null map was given to putAll");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      requireKeyValue(entry.getKey(), entry.getValue(), "putAll");
    }
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    Map<K, V> toStore = new LinkedHashMap<>(map);
    Map<K, Map.Entry<K, V>> copies = new HashMap<>(map.size());
    toStore.forEach((key, value) -> copies.put(key, Map.entry(copyIn(key), copyIn(value))));
    copies.values().forEach(copy -> store.checkEntry(copy.getKey(), copy.getValue()));
    CacheWriterException failure = null;
    if (writer != null && !map.isEmpty()) {
      Collection<Cache.Entry<? extends K, ? extends V>> entries = new ArrayList<>(map.size());
      map.forEach((key, value) -> entries.add(new CacheEntry<>(key, value)));
      try {
        Writing.writeAll(writer, entries);
      } catch (CacheWriterException e) {
        failure = e;
        for (Cache.Entry<? extends K, ? extends V> unwritten : entries) {
          toStore.remove(unwritten.getKey());
        }
      }
    }
    if (expiry.isFixed() && !dispatcher.hasListeners() && toStore.size() > 1) {
      putAllAtOnce(toStore, copies);
    } else {
      toStore.forEach((key, value) -> {
        Map.Entry<K, V> copy = copies.get(key);
        putAndPublish(key, value, copy.getKey(), copy.getValue(), null, false);
      });
    }
    recordPutTime(start);
    dispatcher.awaitSynchronous();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    requireKeyValue(key, value, "putIfAbsent");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    K storedKey = copyIn(key);
    V stored = copyIn(value);
    Runnable writeThrough = writeThrough(key, value);
    boolean[] added = {false};
    dispatcher.inKeyOrder(key, () -> {
      store.compute(storedKey, current -> {
        added[0] = false;
        if (current != null) {
          return Write.keep();
        }
        Duration ttl = expiry.creation();
        if (ttl.isZero()) {
          return Write.<V>keep().withWriter(writeThrough);
        }
        added[0] = true;
        return Write.put(stored, ttl).withWriter(writeThrough);
      });
      if (added[0]) {
        dispatcher.publishCreated(this, key, value);
      }
      return null;
    });
    if (added[0]) {
      statistics.recordPuts(1);
      statistics.recordMisses(1);
    } else {
      statistics.recordHits(1);
    }
    recordPutTime(start);
    dispatcher.awaitSynchronous();
    return added[0];
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to remove");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    boolean removed = removeAndPublish(key, deleteThrough(key));
    if (removed) {
      statistics.recordRemovals(1);
    }
    recordRemoveTime(start);
    dispatcher.awaitSynchronous();
    return removed;
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    requireKeyValue(key, oldValue, "remove");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    @SuppressWarnings("unchecked")
    V[] removed = (V[]) new Object[1];
    boolean[] present = {false};
    dispatcher.inKeyOrder(key, () -> {
      store.compute(key, current -> {
        removed[0] = null;
        present[0] = current != null;
        if (current == null) {
          return Write.keep();
        }
        if (!current.equals(oldValue)) {
          return Write.access();
        }
        removed[0] = current;
        return Write.<V>remove().withWriter(deleteThrough(key));
      });
      if (removed[0] != null) {
        dispatcher.publishRemoved(this, key, removed[0]);
      }
      return null;
    });
    if (removed[0] != null) {
      statistics.recordHits(1);
      statistics.recordRemovals(1);
    } else if (present[0]) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
    recordRemoveTime(start);
    dispatcher.awaitSynchronous();
    return removed[0] != null;
  }

  @Override
  public V getAndRemove(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to getAndRemove");
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V removed = takeAndPublish(key, deleteThrough(key));
    if (removed == null) {
      statistics.recordMisses(1);
    } else {
      statistics.recordHits(1);
      statistics.recordRemovals(1);
    }
    recordGetTime(start);
    recordRemoveTime(start);
    dispatcher.awaitSynchronous();
    return copyOut(removed);
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    requireKeyValue(key, oldValue, "replace");
    requireNonNull(newValue, "a null new value was given to replace");
    checkValueType(newValue);
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V stored = copyIn(newValue);
    Runnable writeThrough = writeThrough(key, newValue);
    @SuppressWarnings("unchecked")
    V[] replaced = (V[]) new Object[1];
    boolean[] present = {false};
    dispatcher.inKeyOrder(key, () -> {
      store.compute(key, current -> {
        replaced[0] = null;
        present[0] = current != null;
        if (current == null) {
          return Write.keep();
        }
        if (!current.equals(oldValue)) {
          return Write.access();
        }
        replaced[0] = current;
        return Write.put(stored, expiry.update()).withWriter(writeThrough);
      });
      if (replaced[0] != null) {
        dispatcher.publishUpdated(this, key, replaced[0], newValue);
      }
      return null;
    });
    if (replaced[0] != null) {
      statistics.recordHits(1);
      statistics.recordPuts(1);
    } else if (present[0]) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
    }
    recordPutTime(start);
    dispatcher.awaitSynchronous();
    return replaced[0] != null;
  }

  @Override
  public boolean replace(K key, V value) {
    requireOpen();
    requireKeyValue(key, value, "replace");
    return replaceAndGet(key, value) != null;
  }

  @Override
  public V getAndReplace(K key, V value) {
    requireOpen();
    requireKeyValue(key, value, "getAndReplace");
    return copyOut(replaceAndGet(key, value));
  }

  private V replaceAndGet(K key, V value) {
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V stored = copyIn(value);
    Runnable writeThrough = writeThrough(key, value);
    @SuppressWarnings("unchecked")
    V[] replaced = (V[]) new Object[1];
    dispatcher.inKeyOrder(key, () -> {
      store.compute(key, current -> {
        replaced[0] = current;
        if (current == null) {
          return Write.keep();
        }
        return Write.put(stored, expiry.update()).withWriter(writeThrough);
      });
      if (replaced[0] != null) {
        dispatcher.publishUpdated(this, key, replaced[0], value);
      }
      return null;
    });
    if (replaced[0] == null) {
      statistics.recordMisses(1);
    } else {
      statistics.recordHits(1);
      statistics.recordPuts(1);
    }
    recordGetTime(start);
    recordPutTime(start);
    dispatcher.awaitSynchronous();
    return replaced[0];
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    requireOpen();
    requireNoNulls(keys, "removeAll");
    removeKeys(new ArrayList<>(keys));
  }

  @Override
  public void removeAll() {
    requireOpen();
    List<K> keys = new ArrayList<>();
    store.keys().forEachRemaining(keys::add);
    removeKeys(keys);
  }

  private void removeKeys(List<K> keys) {
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    Set<K> toRemove = new HashSet<>(keys);
    CacheWriterException failure = null;
    if (writer != null && !keys.isEmpty()) {
      Collection<Object> undeleted = new ArrayList<>(keys);
      try {
        Writing.deleteAll(writer, undeleted);
      } catch (CacheWriterException e) {
        failure = e;
        toRemove.removeAll(undeleted);
      }
    }
    for (K key : toRemove) {
      if (removeAndPublish(key, null)) {
        statistics.recordRemovals(1);
      }
    }
    recordRemoveTime(start);
    dispatcher.awaitSynchronous();
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void clear() {
    requireOpen();
    store.clear();
    dispatcher.awaitSynchronous();
  }

  // ---------------------------------------------------------------- entry processors

  @Override
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireNonNull(key, "a null key was given to invoke");
    requireNonNull(entryProcessor, "a null entry processor was given to invoke");
    @SuppressWarnings("unchecked")
    T[] result = (T[]) new Object[1];
    @SuppressWarnings("unchecked")
    MutableCacheEntry<K, V>[] seen = new MutableCacheEntry[1];
    @SuppressWarnings("unchecked")
    V[] before = (V[]) new Object[1];
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    K storedKey = copyIn(key);
    try {
      dispatcher.inKeyOrder(key, () -> {
        store.compute(storedKey, current -> {
          before[0] = current;
          MutableCacheEntry<K, V> entry = new MutableCacheEntry<>(key, copyOut(current),
              (configuration.isReadThrough() && loader != null) ? k -> Loading.load(loader, k) : null);
          try {
            result[0] = entryProcessor.process(entry, arguments);
          } catch (EntryProcessorException e) {
            throw e;
          } catch (RuntimeException e) {
            throw new EntryProcessorException(e);
          }
          seen[0] = entry;
          return decide(key, current, entry);
        });
        publishProcessed(key, before[0], seen[0]);
        return null;
      });
    } catch (CacheLoaderException | CacheWriterException e) {
      dispatcher.ignoreSynchronous();
      throw new EntryProcessorException(e);
    } catch (RuntimeException | Error e) {
      dispatcher.ignoreSynchronous();
      throw e;
    }
    recordGetTime(start);
    dispatcher.awaitSynchronous();
    return result[0];
  }

  /** Turns what the processor did into a write, calling the writer where it changed the entry. */
  private Write<V> decide(K key, V current, MutableCacheEntry<K, V> entry) {
    switch (entry.action()) {
      case READ:
        return Write.access();
      case LOADED: {
        Duration ttl = expiry.creation();
        return ttl.isZero() ? Write.keep() : Write.put(copyIn(entry.value()), ttl);
      }
      case CREATED: {
        V stored = copyIn(entry.value());
        Duration ttl = expiry.creation();
        Write<V> write = ttl.isZero() ? Write.keep() : Write.put(stored, ttl);
        return write.withWriter(writeThrough(key, entry.value()));
      }
      case UPDATED:
        return Write.put(copyIn(entry.value()), expiry.update()).withWriter(writeThrough(key, entry.value()));
      case DELETED: {
        Write<V> write = (current == null) ? Write.keep() : Write.remove();
        return write.withWriter(deleteThrough(key));
      }
      default:
        return Write.keep();
    }
  }

  private void publishProcessed(K key, V before, MutableCacheEntry<K, V> entry) {
    if (before == null) {
      statistics.recordMisses(1);
    } else {
      statistics.recordHits(1);
    }
    switch (entry.action()) {
      case LOADED:
        dispatcher.publishCreated(this, key, entry.value());
        break;
      case CREATED:
        statistics.recordPuts(1);
        dispatcher.publishCreated(this, key, entry.value());
        break;
      case UPDATED:
        statistics.recordPuts(1);
        dispatcher.publishUpdated(this, key, before, entry.value());
        break;
      case DELETED:
        if (before != null) {
          statistics.recordRemovals(1);
          dispatcher.publishRemoved(this, key, before);
        }
        break;
      default:
        break;
    }
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireNoNulls(keys, "invokeAll");
    requireNonNull(entryProcessor, "a null entry processor was given to invokeAll");
    Map<K, EntryProcessorResult<T>> results = new HashMap<>(keys.size());
    for (K key : keys) {
      try {
        T result = invoke(key, entryProcessor, arguments);
        if (result != null) {
          results.put(key, ProcessorResult.of(result));
        }
      } catch (EntryProcessorException e) {
        results.put(key, ProcessorResult.failed(e));
      } catch (RuntimeException e) {
        // the entry's own failure (a value that cannot be copied, a failing synchronous listener):
        // it is this key's result, and the other keys are still processed
        requireOpen();
        results.put(key, ProcessorResult.failed(new EntryProcessorException(e)));
      }
    }
    return results;
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    Iterator<K> keys = store.keys();
    return new Iterator<>() {
      private Cache.Entry<K, V> next;
      private K last;

      @Override
      public boolean hasNext() {
        while (next == null && keys.hasNext()) {
          K key = keys.next();
          V value = store.get(key);
          if (value != null) {
            statistics.recordHits(1);
            next = new CacheEntry<>(copyOut(key), copyOut(value));
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
        Cache.Entry<K, V> entry = next;
        next = null;
        last = entry.getKey();
        return entry;
      }

      @Override
      public void remove() {
        if (last == null) {
          throw new IllegalStateException("next() was not called, or remove() was already called");
        }
        requireOpen();
        MultiTierCache.this.remove(last);
        last = null;
      }
    };
  }

  // ---------------------------------------------------------------- listeners, configuration, life cycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    requireNonNull(listenerConfiguration, "a null listener configuration was given");
    dispatcher.register(listenerConfiguration);
    configuration.addCacheEntryListenerConfiguration(listenerConfiguration);
    hearSharedEvents();
  }

  /** Has the listeners hear, from the first one on, of Redis's expiries and, with cluster events, of other JVMs' changes. */
  private void hearSharedEvents() {
    if (hearingSharedEvents.compareAndSet(false, true)) {
      store.onSharedEvents(change -> dispatcher.publishShared(this, change));
    }
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    requireNonNull(listenerConfiguration, "a null listener configuration was given");
    dispatcher.deregister(listenerConfiguration);
    configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
  }

  @Override
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    requireNonNull(clazz, "a null configuration class was given");
    if (clazz.isInstance(configuration)) {
      return clazz.cast(new MultiTierConfiguration<>(configuration));
    }
    throw new IllegalArgumentException("The configuration of cache '" + name + "' is not a "
        + clazz.getName());
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public CacheManager getCacheManager() {
    return manager;
  }

  @Override
  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      manager.forget(this);
      shutdown();
    }
  }

  /** Releases everything the cache holds; the manager calls this when it closes or destroys it. */
  void shutdown() {
    closed.set(true);
    awaitLoadsInFlight();
    JmxRegistration.unregister(this, MBeanType.Configuration);
    JmxRegistration.unregister(this, MBeanType.Statistics);
    dispatcher.close();
    for (Object resource : List.of(expiry.policy(), loader == null ? "" : loader,
        writer == null ? "" : writer)) {
      closeQuietly(resource);
    }
    store.close();
  }

  /** Waits, boundedly, until no loadAll is using the loader, so that it is closed only afterwards. */
  private void awaitLoadsInFlight() {
    if (loadsInFlight.getReadHoldCount() > 0) {
      return; // closed from inside a loadAll (by the loader itself or a listener)
    }
    Lock exclusive = loadsInFlight.writeLock();
    try {
      if (exclusive.tryLock(LOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
        exclusive.unlock();
      } else {
        logger.warn("Cache '{}' closes while a loadAll still runs after {} s", name, LOAD_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes every entry from every tier, without events or write-through (destroyCache). */
  void destroyEntries() {
    store.clear();
  }

  @Override
  public V getOrCompute(K key, Function<? super K, ? extends V> compute, Duration ttl) {
    requireOpen();
    requireNonNull(key, "a null key was given to getOrCompute");
    requireNonNull(compute, "a null function was given to getOrCompute");
    requireNonNull(ttl, "a null time to live was given to getOrCompute");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the time to live must be positive: " + ttl);
    }
    long start = statistics.isEnabled() ? System.nanoTime() : 0L;
    V value = store.get(key);
    if (value != null) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
      value = loadOnce(key, () -> {
        V computed = compute.apply(key);
        if (computed == null) {
          return null;
        }
        checkValueType(computed);
        if (store.putIfAbsent(copyIn(key), copyIn(computed), ttl)) {
          statistics.recordPuts(1);
          dispatcher.publishCreated(this, key, computed);
        }
        return computed;
      });
    }
    recordGetTime(start);
    dispatcher.awaitSynchronous();
    return copyOut(value);
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    requireNonNull(clazz, "a null class was given to unwrap");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz == StreamingBackend.class && store.streams().isPresent()) {
      return clazz.cast(store.streams().get());
    }
    throw new IllegalArgumentException("Cache '" + name + "' cannot be unwrapped to " + clazz.getName());
  }

  @Override
  public TierStatistics tierStatistics() {
    return store.statistics();
  }

  @Override
  public List<Health> health() {
    return store.health();
  }

  /** Turns management (the configuration MXBean) on or off. */
  void enableManagement(boolean enabled) {
    configuration.setManagementEnabled(enabled);
    if (enabled) {
      JmxRegistration.register(this, mxBean, MBeanType.Configuration);
    } else {
      JmxRegistration.unregister(this, MBeanType.Configuration);
    }
  }

  /** Turns statistics (and their MXBean) on or off. */
  void enableStatistics(boolean enabled) {
    configuration.setStatisticsEnabled(enabled);
    statistics.setEnabled(enabled);
    if (enabled) {
      store.statistics().countReads();
      JmxRegistration.register(this, statistics, MBeanType.Statistics);
    } else {
      JmxRegistration.unregister(this, MBeanType.Statistics);
    }
  }

  /** Returns the JCache statistics. */
  JCacheStatistics statistics() {
    return statistics;
  }

  // ---------------------------------------------------------------- helpers

  /** Stores the value with creation or update expiry and publishes the event; returns the previous value. */
  /** Stores many entries in one step of the store (one round trip to a shared tier); no listener is registered. */
  private void putAllAtOnce(Map<K, V> toStore, Map<K, Map.Entry<K, V>> copies) {
    Map<K, V> stored = new LinkedHashMap<>(toStore.size());
    toStore.keySet().forEach(key -> stored.put(copies.get(key).getKey(), copies.get(key).getValue()));
    int present = store.putAll(stored, expiry.creation(), expiry.update());
    boolean createdIsStored = !expiry.creation().isZero();
    long puts = createdIsStored ? stored.size() : present;
    statistics.recordPuts(puts);
  }

  /**
   * Stores the copies with creation or update expiry, telling the writer first if
   * {@code writeThrough} is not {@code null}, and publishes the event; returns the previous value
   * if {@code returnsPrevious} (else {@code null} unless a listener took updates).
   */
  private V putAndPublish(K key, V value, K storedKey, V stored, Runnable writeThrough, boolean returnsPrevious) {
    return dispatcher.inKeyOrder(key, () -> storeAndPublish(key, value, storedKey, stored, writeThrough, returnsPrevious));
  }

  private V storeAndPublish(K key, V value, K storedKey, V stored, Runnable writeThrough, boolean returnsPrevious) {
    V previous = null;
    boolean present;
    boolean[] storedIt = {true};
    if (!expiry.isFixed()) {
      previous = store.compute(storedKey, current -> {
        Duration ttl = (current == null) ? expiry.creation() : expiry.update();
        storedIt[0] = !(current == null && ttl.isZero());
        Write<V> write = storedIt[0] ? Write.put(stored, ttl) : Write.keep();
        return write.withWriter(writeThrough);
      });
      present = previous != null;
    } else {
      if (returnsPrevious || dispatcher.listensTo(EventType.UPDATED)) {
        previous = store.getAndPut(storedKey, stored, expiry.creation(), expiry.update(), writeThrough);
        present = previous != null;
      } else {
        present = store.put(storedKey, stored, expiry.creation(), expiry.update(), writeThrough);
      }
      storedIt[0] = present || !expiry.creation().isZero();
    }
    if (storedIt[0]) {
      statistics.recordPuts(1);
      if (!present) {
        dispatcher.publishCreated(this, key, value);
      } else if (previous == null) {
        dispatcher.publishUpdated(this, key, value);
      } else {
        dispatcher.publishUpdated(this, key, previous, value);
      }
    }
    return previous;
  }

  /** Removes the key (telling the writer first, if given) and publishes the removal; returns whether it was present. */
  private boolean removeAndPublish(K key, Runnable deleteThrough) {
    if (dispatcher.listensTo(EventType.REMOVED)) {
      return takeAndPublish(key, deleteThrough) != null;
    }
    return dispatcher.inKeyOrder(key, () -> store.remove(key, deleteThrough));
  }

  /** Removes the key (telling the writer first, if given) and publishes the removal; returns the removed value, or {@code null}. */
  private V takeAndPublish(K key, Runnable deleteThrough) {
    return dispatcher.inKeyOrder(key, () -> {
      V removed = store.getAndRemove(key, deleteThrough);
      if (removed != null) {
        dispatcher.publishRemoved(this, key, removed);
      }
      return removed;
    });
  }

  /** Stores a value that a loader produced (no write-through) if the key is still absent. */
  private void storeLoaded(K key, V value) {
    Duration ttl = expiry.creation();
    if (ttl.isZero()) {
      return;
    }
    K storedKey = copyIn(key);
    V stored = copyIn(value);
    dispatcher.inKeyOrder(key, () -> {
      if (store.putIfAbsent(storedKey, stored, ttl)) {
        dispatcher.publishCreated(this, key, value);
      }
      return null;
    });
  }

  /** Stores a loaded value, replacing any present one, without write-through (loadAll with replace). */
  private void putWithoutWriter(K key, V value) {
    putAndPublish(key, value, copyIn(key), copyIn(value), null, false);
  }

  /**
   * Loads a missing key, once for all the threads of this JVM that miss it while the load runs:
   * the others wait for its value or its failure.
   */
  private V loadOnce(K key) {
    return loadOnce(key, () -> loadAndStore(key));
  }

  private V loadOnce(K key, Supplier<V> load) {
    CompletableFuture<V> mine = new CompletableFuture<>();
    CompletableFuture<V> running = loads.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw (e.getCause() instanceof RuntimeException) ? (RuntimeException) e.getCause() : e;
      }
    }
    try {
      Duration lease = configuration.getStampedeLease();
      V value = (lease == null) ? load.get() : store.loadShared(key, load, lease, lease);
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loads.remove(key, mine);
    }
  }


  private V loadAndStore(K key) {
    V loaded = Loading.load(loader, key);
    if (loaded == null) {
      return null;
    }
    requireValueType(loaded);
    storeLoaded(key, loaded);
    return loaded;
  }

  /** Returns the call that tells the writer of a new value, or {@code null} if the cache does not write through. */
  private Runnable writeThrough(K key, V value) {
    return (writer == null) ? null : () -> Writing.write(writer, new CacheEntry<>(key, value));
  }

  /** Returns the call that tells the writer of a removal, or {@code null} if the cache does not write through. */
  private Runnable deleteThrough(K key) {
    return (writer == null) ? null : () -> Writing.delete(writer, key);
  }

  private <T> T copyIn(T value) {
    return copier.copy(value, manager.getClassLoader());
  }

  private <T> T copyOut(T value) {
    return (value == null) ? null : copier.copy(value, manager.getClassLoader());
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
    }
  }

  private void requireKeyValue(K key, V value, String operation) {
    requireNonNull(key, () -> "a null key was given to " + operation);
    requireNonNull(value, () -> "a null value was given to " + operation);
    Class<K> keyType = configuration.getKeyType();
    if (keyType != Object.class && !keyType.isInstance(key)) {
      throw new ClassCastException("Cache '" + name + "' takes keys of type " + keyType.getName()
          + ", not " + key.getClass().getName());
    }
    checkValueType(value);
  }

  private void checkValueType(V value) {
    Class<V> valueType = configuration.getValueType();
    if (valueType != Object.class && !valueType.isInstance(value)) {
      throw new ClassCastException("Cache '" + name + "' takes values of type "
          + valueType.getName() + ", not " + value.getClass().getName());
    }
  }

  private void requireValueType(V value) {
    checkValueType(value);
  }

  private static void requireNoNulls(Set<?> keys, String operation) {
    requireNonNull(keys, () -> "a null key set was given to " + operation);
    for (Object key : keys) {
      requireNonNull(key, () -> "a null key was given to " + operation);
    }
  }

  private void recordGetTime(long start) {
    if (start != 0L) {
      statistics.recordGetTime(System.nanoTime() - start);
    }
  }

  private void recordPutTime(long start) {
    if (start != 0L) {
      statistics.recordPutTime(System.nanoTime() - start);
    }
  }

  private void recordRemoveTime(long start) {
    if (start != 0L) {
      statistics.recordRemoveTime(System.nanoTime() - start);
    }
  }

  private static void closeQuietly(Object resource) {
    if (resource instanceof Closeable) {
      try {
        ((Closeable) resource).close();
      } catch (Exception e) {
        logger.warn("Failed to close {}", resource, e);
      }
    }
  }

  /** The completion listener used when the caller gives none. */
  private enum NullCompletionListener implements CompletionListener {
    INSTANCE;

    @Override
    public void onCompletion() {}

    @Override
    public void onException(Exception e) {}
  }
}
