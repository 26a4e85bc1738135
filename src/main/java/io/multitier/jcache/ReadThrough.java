package io.multitier.jcache;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.event.EventDispatcher;
import io.multitier.jcache.expiry.ExpiryCalculator;
import io.multitier.jcache.integration.Loading;
import io.multitier.jcache.tier.Loaded;
import io.multitier.jcache.tier.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CompletionListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a cache's missing entries: read-through from its {@code CacheLoader}, {@code loadAll} and
 * {@code getOrCompute}'s computations, each missing key loaded once at a time for all the threads
 * of this JVM (and, with a stampede lease, of every JVM that shares the cache's Redis).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ReadThrough<K, V> {

  private static final Logger logger = LoggerFactory.getLogger(ReadThrough.class);
  private static final long LOAD_WAIT_SECONDS = 30;

  private final String name;
  private final Store<K, V> store;
  private final @Nullable CacheLoader<K, V> loader;
  private final boolean readsThrough;
  /** How long a load holds the key's lease in the shared tier; zero: no lease, every JVM loads. */
  private final Duration stampedeLease;
  private final ExpiryCalculator expiry;
  private final Copies copies;
  private final Arguments<K, V> arguments;
  private final Changes<K, V> changes;
  private final EventDispatcher<K, V> dispatcher;
  private final Executor executor;
  private final BooleanSupplier closed;
  private final ConcurrentMap<K, CompletableFuture<V>> loads = new ConcurrentHashMap<>();
  /** Held (shared) by each running loadAll, so that shutdown can wait for them. */
  private final ReentrantReadWriteLock loadsInFlight = new ReentrantReadWriteLock();

  ReadThrough(String name, Store<K, V> store, @Nullable CacheLoader<K, V> loader, boolean readThrough,
      @Nullable Duration stampedeLease, ExpiryCalculator expiry, Copies copies, Arguments<K, V> arguments,
      Changes<K, V> changes, EventDispatcher<K, V> dispatcher, Executor executor, BooleanSupplier closed) {
    this.name = requireNonNull(name);
    this.store = requireNonNull(store);
    this.loader = loader;
    this.readsThrough = readThrough && loader != null;
    this.stampedeLease = (stampedeLease == null) ? Duration.ZERO : stampedeLease;
    this.expiry = requireNonNull(expiry);
    this.copies = requireNonNull(copies);
    this.arguments = requireNonNull(arguments);
    this.changes = requireNonNull(changes);
    this.dispatcher = requireNonNull(dispatcher);
    this.executor = requireNonNull(executor);
    this.closed = requireNonNull(closed);
  }

  /** Returns the loader of a cache that reads through (or whose loadAll runs). */
  private CacheLoader<K, V> loader() {
    return requireNonNull(loader, "the cache has a loader");
  }

  /** Returns the loader an entry processor reads a missing value from, or {@code null} when the cache does not read through. */
  @Nullable Function<K, @Nullable V> forProcessors() {
    return readsThrough ? key -> Loading.load(loader(), key) : null;
  }

  /** Returns whether a miss is loaded: the cache reads through and has a loader. */
  boolean readsThrough() {
    return readsThrough;
  }

  /** Returns the value of a key {@code get} missed: loaded and stored if the cache reads through, else {@code null}. */
  @Nullable V missed(K key) {
    return readsThrough ? loadOnce(key, () -> loaded(key, Loading.load(loader(), key), expiry::creation),
        Outcome::loaded) : null;
  }

  /** Loads and stores the keys of {@code keys} that {@code found} lacks, if the cache reads through, and adds them to it. */
  void addMissing(Collection<? extends K> keys, Map<K, V> found) {
    if (!readsThrough || found.size() == keys.size()) {
      return;
    }
    List<K> missing = new ArrayList<>();
    for (K key : keys) {
      if (!found.containsKey(key)) {
        missing.add(key);
      }
    }
    Map<K, @Nullable V> loaded = Loading.loadAll(loader(), missing);
    for (K key : missing) {
      V value = loaded.get(key);
      if (value != null) {
        storeLoaded(key, value);
        found.put(key, value);
      }
    }
  }

  /**
   * Returns the value {@code compute} gives a key that was missed, storing it for {@code ttl} if
   * the key is still absent; a {@code null} result is returned and not stored.
   */
  @Nullable V compute(K key, Function<? super K, ? extends @Nullable V> compute, Duration ttl) {
    return loadOnce(key, () -> loaded(key, compute.apply(key), () -> ttl), Outcome::created);
  }

  /** Returns what a load of the key gave: the value, checked, and the copy the cache keeps, for the time {@code ttl} says. */
  private Loaded<V> loaded(K key, @Nullable V value, Supplier<Duration> ttl) {
    if (value == null) {
      return Loaded.nothing();
    }
    arguments.requireValueType(value);
    Duration kept = ttl.get();
    return kept.isZero() ? new Loaded<>(value, null, kept) : new Loaded<>(value, copies.in(value), kept);
  }

  /** Loads the keys on the executor, then tells the listener, if given; see {@code Cache#loadAll}. */
  void loadAll(Collection<? extends K> keys, boolean replaceExistingValues, CompletionListener completionListener) {
    CompletionListener listener = (completionListener == null) ? NullCompletionListener.INSTANCE
        : completionListener;
    if (loader == null) {
      listener.onCompletion();
      return;
    }
    executor.execute(() -> {
      Exception failure = null;
      // shutdown waits for a load that runs and keeps the loader open until it is done; a load that
      // starts after close() does not touch the loader
      Lock running = loadsInFlight.readLock();
      running.lock();
      try {
        if (closed.getAsBoolean()) {
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

  /** Waits, boundedly, until no loadAll is using the loader, so that it is closed only afterwards. */
  void awaitLoadsInFlight() {
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

  private void loadAllNow(Collection<? extends K> keys, boolean replaceExistingValues) {
    List<K> toLoad = new ArrayList<>();
    for (K key : keys) {
      if (replaceExistingValues || !store.containsKey(key)) {
        toLoad.add(key);
      }
    }
    Map<K, @Nullable V> loaded = Loading.loadAll(loader(), toLoad);
    for (K key : toLoad) {
      V value = loaded.get(key);
      if (value == null) {
        continue;
      }
      if (replaceExistingValues) {
        changes.putUnwritten(key, value, Map.entry(copies.in(key), copies.in(value)));
      } else {
        storeLoaded(key, value);
      }
    }
  }

  /**
   * Runs a load of a missing key once for all the threads of this JVM that miss it while it runs:
   * the others wait for its value or its failure. The engine keeps what the load gives, reported as
   * {@code outcome} of the value, without re-entering the cache: under a stampede lease, before it
   * gives the lease back.
   */
  private @Nullable V loadOnce(K key, Supplier<Loaded<V>> load, Function<V, Outcome<V>> outcome) {
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
      V value = store.loadShared(copies.in(key), load, stampedeLease, stampedeLease,
          changes.reporting(key, (Loaded<V> kept) -> outcome.apply(requireNonNull(kept.value(), "a kept load has a value"))));
      mine.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loads.remove(key, mine);
    }
  }

  /** Stores a value the loader produced (no write-through) if the key is still absent. */
  private void storeLoaded(K key, V value) {
    Duration ttl = expiry.creation();
    if (!ttl.isZero()) {
      changes.putLoaded(key, value, Map.entry(copies.in(key), copies.in(value)), ttl);
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
