package io.multitier.jcache;

import static io.multitier.jcache.Arguments.requireNoNulls;
import static io.multitier.jcache.management.JCacheStatistics.Timing.GET;
import static io.multitier.jcache.management.JCacheStatistics.Timing.GET_AND_PUT;
import static io.multitier.jcache.management.JCacheStatistics.Timing.GET_AND_REMOVE;
import static io.multitier.jcache.management.JCacheStatistics.Timing.PUT;
import static io.multitier.jcache.management.JCacheStatistics.Timing.REMOVE;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.configuration.MultiTierConfiguration;
import io.multitier.jcache.copy.Copier;
import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.management.JCacheStatistics;
import io.multitier.jcache.management.JCacheStatistics.Timing;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.tier.Removals;
import io.multitier.jcache.tier.Store;
import io.multitier.jcache.tier.TierStatistics;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorResult;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSR-107 {@link Cache}: it checks arguments, state and types, copies in and out, times the
 * operations, and has each carried out by one call: to the tiering engine, a {@link Store}, for
 * reads; to {@link Changes} for writes; to {@link ReadThrough} for loads; to
 * {@link EntryProcessors} for entry processors.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class MultiTierCache<K, V> implements Cache<K, V>, TieredCache, ComputingCache<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(MultiTierCache.class);

  private final String name;
  private final MultiTierCacheManager manager;
  private final MultiTierConfiguration<K, V> configuration;
  private final Store<K, V> store;
  private final ExpiryCalculator expiry;
  private final @Nullable CacheLoader<K, V> loader;
  private final @Nullable CacheWriter<K, V> writer;
  private final EventDispatcher<K, V> dispatcher;
  private final JCacheStatistics statistics;
  private final CacheBeans beans;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Copies copies;
  private final Arguments<K, V> arguments;
  private final Changes<K, V> changes;
  private final ReadThrough<K, V> readThrough;
  private final EntryProcessors<K, V> processors;
  private final Listeners<K, V> listeners;
  private final AsyncOperations<K, V> async;

  MultiTierCache(String name, MultiTierCacheManager manager, MultiTierConfiguration<K, V> configuration,
      Function<Removals<K, V>, Store<K, V>> engine, Copier copier, ExpiryCalculator expiry, @Nullable CacheLoader<K, V> loader,
      @Nullable CacheWriter<K, V> writer, EventDispatcher<K, V> dispatcher) {
    this.name = requireNonNull(name);
    this.manager = requireNonNull(manager);
    this.configuration = requireNonNull(configuration);
    this.expiry = requireNonNull(expiry);
    this.loader = loader;
    this.writer = writer;
    this.dispatcher = requireNonNull(dispatcher);
    this.statistics = new JCacheStatistics(configuration.getTicker());
    this.store = engine.apply(new Removals<>() {
      @Override
      public void expired(K key, V value) {
        dispatcher.publishExpired(MultiTierCache.this, key, value);
      }

      @Override
      public void evicted(K key, V value) {
        statistics.recordEvictions(1);
      }
    });
    this.copies = new Copies(copier, manager.getClassLoader());
    this.arguments = new Arguments<>(name, configuration.getKeyType(), configuration.getValueType());
    Outcomes<K, V> outcomes = new Outcomes<>(this, dispatcher, statistics);
    this.changes = new Changes<>(store, expiry, writer, dispatcher, outcomes);
    this.readThrough = new ReadThrough<>(name, store, loader, configuration.isReadThrough(),
        configuration.getStampedeLease(), expiry, copies, arguments, changes, dispatcher,
        configuration.getExecutor(), closed::get);
    this.processors = new EntryProcessors<>(store, expiry, copies, changes, outcomes, dispatcher,
        readThrough.forProcessors());
    this.listeners = new Listeners<>(this, configuration, store, dispatcher);
    this.async = new AsyncOperations<>(this, store, readThrough, statistics, dispatcher, copies, arguments,
        configuration.isStoreByValue(), configuration.getAsyncExecutor());
    this.beans = new CacheBeans(this, configuration, statistics, store);
    beans.enableManagement(configuration.isManagementEnabled());
    beans.enableStatistics(configuration.isStatisticsEnabled());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public @Nullable V get(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to get");
    // the hot path: timed inline, not through timed(), whose Supplier would be one allocation and
    // one megamorphic call per L1 hit
    long start = statistics.start();
    V value = store.get(key);
    if (value != null) {
      statistics.recordHits(1);
    } else {
      statistics.recordMisses(1);
      value = readThrough.missed(key);
    }
    statistics.recordTimeSince(start, GET);
    dispatcher.awaitSynchronous();
    return copies.outOrNull(value);
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    requireOpen();
    requireNoNulls(keys, "getAll");
    return timed(GET, () -> {
      Map<K, V> found = store.getAll(keys);
      statistics.recordHits(found.size());
      statistics.recordMisses(keys.size() - found.size());
      readThrough.addMissing(keys, found);
      Map<K, V> result = new HashMap<>((int) (found.size() / 0.75f) + 1);
      found.forEach((key, value) -> result.put(copies.out(key), copies.out(value)));
      return result;
    });
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
    readThrough.loadAll(keys, replaceExistingValues, completionListener);
  }

  @Override
  public @Nullable V getOrCompute(K key, Function<? super K, ? extends V> compute, Duration ttl) {
    requireOpen();
    requireNonNull(key, "a null key was given to getOrCompute");
    requireNonNull(compute, "a null function was given to getOrCompute");
    requireNonNull(ttl, "a null time to live was given to getOrCompute");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("the time to live must be positive: " + ttl);
    }
    return copies.outOrNull(timed(GET, () -> {
      V value = store.get(key);
      if (value != null) {
        statistics.recordHits(1);
        return value;
      }
      statistics.recordMisses(1);
      return readThrough.compute(key, compute, ttl);
    }));
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void put(K key, V value) {
    requireOpen();
    arguments.requireKeyValue(key, value, "put");
    timed(PUT, () -> changes.put(key, value, copyIn(key, value), false));
  }

  @Override
  public @Nullable V getAndPut(K key, V value) {
    requireOpen();
    arguments.requireKeyValue(key, value, "getAndPut");
    return copies.outOrNull(timed(GET_AND_PUT, () -> changes.put(key, value, copyIn(key, value), true).old()));
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    requireOpen();
    requireNonNull(map, "a null map was given to putAll");
    for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
      arguments.requireKeyValue(entry.getKey(), entry.getValue(), "putAll");
    }
    CacheWriterException failure = timed(PUT, () -> {
      Map<K, Map.Entry<K, V>> copied = new HashMap<>(map.size());
      map.forEach((key, value) -> copied.put(key, copyIn(key, value)));
      copied.values().forEach(copy -> store.checkEntry(copy.getKey(), copy.getValue()));
      return changes.putAll(map, copied);
    });
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    requireOpen();
    arguments.requireKeyValue(key, value, "putIfAbsent");
    return timed(PUT, () -> changes.putIfAbsent(key, value, copyIn(key, value)));
  }

  @Override
  public boolean remove(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to remove");
    return timed(REMOVE, () -> changes.remove(key));
  }

  @Override
  public boolean remove(K key, V oldValue) {
    requireOpen();
    arguments.requireKeyValue(key, oldValue, "remove");
    return timed(REMOVE, () -> changes.removeIfEquals(key, oldValue));
  }

  @Override
  public @Nullable V getAndRemove(K key) {
    requireOpen();
    requireNonNull(key, "a null key was given to getAndRemove");
    return copies.outOrNull(timed(GET_AND_REMOVE, () -> changes.getAndRemove(key)));
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    requireOpen();
    arguments.requireKeyValue(key, oldValue, "replace");
    requireNonNull(newValue, "a null new value was given to replace");
    arguments.requireValueType(newValue);
    return timed(PUT, () -> changes.replace(key, oldValue, newValue, copies.in(newValue)));
  }

  @Override
  public boolean replace(K key, V value) {
    requireOpen();
    arguments.requireKeyValue(key, value, "replace");
    return timed(GET_AND_PUT, () -> changes.replace(key, value, copies.in(value))) != null;
  }

  @Override
  public @Nullable V getAndReplace(K key, V value) {
    requireOpen();
    arguments.requireKeyValue(key, value, "getAndReplace");
    return copies.outOrNull(timed(GET_AND_PUT, () -> changes.replace(key, value, copies.in(value))));
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
    CacheWriterException failure = timed(REMOVE, () -> changes.removeAll(keys));
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
    return timed(GET, () -> processors.invoke(key, entryProcessor, arguments));
  }

  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
      EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    requireOpen();
    requireNoNulls(keys, "invokeAll");
    requireNonNull(entryProcessor, "a null entry processor was given to invokeAll");
    return processors.invokeAll(keys, key -> invoke(key, entryProcessor, arguments), this::requireOpen);
  }

  // ---------------------------------------------------------------- iteration

  @Override
  public Iterator<Cache.Entry<K, V>> iterator() {
    requireOpen();
    return new EntryIterator<>(store, copies, statistics, dispatcher, key -> {
      requireOpen();
      remove(key);
    });
  }

  // ---------------------------------------------------------------- listeners, configuration, life cycle

  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    requireNonNull(listenerConfiguration, "a null listener configuration was given");
    listeners.register(listenerConfiguration);
  }

  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    requireOpen();
    requireNonNull(listenerConfiguration, "a null listener configuration was given");
    listeners.deregister(listenerConfiguration);
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
    readThrough.awaitLoadsInFlight();
    beans.unregister();
    dispatcher.close();
    for (Object resource : List.of(expiry.policy(), loader == null ? "" : loader,
        writer == null ? "" : writer)) {
      closeQuietly(resource);
    }
    store.close();
  }

  /** Removes every entry from every tier, without events or write-through (destroyCache). */
  void destroyEntries() {
    store.clear();
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    requireNonNull(clazz, "a null class was given to unwrap");
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    if (clazz == AsyncCache.class) {
      return clazz.cast(async);
    }
    if (clazz.getName().equals(RedissonCacheAsync.INTERFACE)) {
      return clazz.cast(new RedissonCacheAsync<>(async));
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
    beans.enableManagement(enabled);
  }

  /** Turns statistics (and their MXBean) on or off. */
  void enableStatistics(boolean enabled) {
    beans.enableStatistics(enabled);
  }

  /** Returns the JCache statistics. */
  JCacheStatistics statistics() {
    return statistics;
  }

  // ---------------------------------------------------------------- helpers

  /** Returns what the cache keeps of a key and value the caller gave. */
  private Map.Entry<K, V> copyIn(K key, V value) {
    return Map.entry(copies.in(key), copies.in(value));
  }

  /**
   * Runs an operation, adds its time to the averages it counts in, then has the synchronous
   * listeners hear its events; returns its result.
   */
  private <R extends @Nullable Object> R timed(Timing timing, Supplier<R> operation) {
    long start = statistics.start();
    R result = operation.get();
    statistics.recordTimeSince(start, timing);
    dispatcher.awaitSynchronous();
    return result;
  }

  /** Throws {@link IllegalStateException} if the cache is closed. */
  void requireOpen() {
    if (closed.get()) {
      throw new IllegalStateException("Cache '" + name + "' is closed");
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
}
