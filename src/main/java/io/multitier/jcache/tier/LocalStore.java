package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Change;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.NearCacheBackend;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The embedded default: one in-process tier that is also the source of truth. Atomic steps are
 * the tier's own atomic {@code compute}, so each decision is made, and the writer told, once.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LocalStore<K, V> implements Store<K, V> {

  private final NearCacheBackend<K, V> l1;
  private final @Nullable Supplier<Duration> accessTtl;
  private final TierStatistics statistics = new TierStatistics(false);
  private volatile @Nullable Stripes stripes;

  /** {@code accessTtl} {@code null}: the expiry policy never changes an entry's expiry on access. */
  LocalStore(NearCacheBackend<K, V> l1, @Nullable Supplier<Duration> accessTtl) {
    this.l1 = requireNonNull(l1, "l1");
    this.accessTtl = accessTtl;
  }

  @Override
  public @Nullable V get(K key) {
    V value = getNear(key);
    if (value == null && statistics.readsCounted()) {
      statistics.misses.increment();
    }
    return value;
  }

  @Override
  public @Nullable V getNear(K key) {
    V value = l1.get(key);
    if (value != null) {
      if (statistics.readsCounted()) {
        statistics.l1Hits.increment();
      }
      if (accessTtl != null) {
        accessed(key);
      }
    }
    return value;
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = l1.getAll(keys);
    if (statistics.readsCounted()) {
      statistics.l1Hits.add(found.size());
      statistics.misses.add(keys.size() - found.size());
    }
    found.keySet().forEach(this::accessed);
    return found;
  }

  private void accessed(K key) {
    Duration ttl = (accessTtl == null) ? Ttl.UNCHANGED : accessTtl.get();
    if (!Ttl.isUnchanged(ttl)) {
      l1.setTtl(key, ttl);
    }
  }

  @Override
  public boolean containsKey(K key) {
    return l1.get(key) != null;
  }

  @Override
  public <D extends Decision<V>> D step(K key, Function<@Nullable V, D> decide, Committed<? super D> committed) {
    return inOrder(key, committed, () -> {
      Step<V, D> step = new Step<>();
      l1.compute(key, current -> step.decide(current, decide));
      if (step.accessed) {
        accessed(key);
      }
      D decision = requireNonNull(step.decision, "compute asks the step once at least");
      committed.report(decision);
      return decision;
    });
  }

  @Override
  public Put<V> put(K key, V value, PutTtls ttls, boolean needsPrevious, WriteThrough writeThrough,
      Committed<? super Put<V>> committed) {
    if (!ttls.fixed()) {
      return step(key, PutStep.of(value, ttls, writeThrough), step -> committed.report(step.put())).put();
    }
    Duration ifAbsent = ttls.ifAbsent();
    Duration ifPresent = ttls.ifPresent();
    return inOrder(key, committed, () -> {
      writeThrough.tell();
      V previous = l1.getAndPut(key, value, ifAbsent, ifPresent);
      Put<V> put = new Put<>(previous != null, previous, previous == null && !ifAbsent.isZero());
      committed.report(put);
      return put;
    });
  }

  @Override
  public int putAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    return l1.putAll(entries, ttlIfAbsent, ttlIfPresent).size();
  }

  @Override
  public boolean putLoaded(K key, V value, Duration ttl, Committed<? super Boolean> committed) {
    return inOrder(key, committed, () -> {
      boolean stored = l1.putIfAbsent(key, value, ttl);
      committed.report(stored);
      return stored;
    });
  }

  @Override
  public @Nullable V getAndRemove(K key, WriteThrough writeThrough, Committed<? super @Nullable V> committed) {
    return inOrder(key, committed, () -> {
      writeThrough.tell();
      return Committed.reportFound(committed, () -> l1.getAndRemove(key));
    });
  }

  @Override
  public boolean remove(K key, WriteThrough writeThrough, Committed<? super Boolean> committed) {
    return inOrder(key, committed, () -> {
      writeThrough.tell();
      boolean removed = l1.remove(key);
      committed.report(removed);
      return removed;
    });
  }

  @Override
  public int removeAll(Collection<K> keys) {
    return l1.removeAll(keys);
  }

  /**
   * Runs a write and its report under the key's stripe lock when its reports must keep the key's
   * order: Caffeine's own per-key lock is released before the report.
   */
  private <T extends @Nullable Object> T inOrder(K key, Committed<?> committed, Supplier<T> write) {
    if (!committed.inKeyOrder()) {
      return write.get();
    }
    ReentrantLock lock = stripes().lock(key);
    lock.lock();
    try {
      return write.get();
    } finally {
      lock.unlock();
    }
  }

  private Stripes stripes() {
    Stripes current = stripes;
    if (current == null) {
      synchronized (this) {
        current = stripes;
        if (current == null) {
          current = new Stripes();
          stripes = current;
        }
      }
    }
    return current;
  }

  /** One atomic step inside the in-process tier's {@code compute}: its decision, and whether it was an access. */
  private static final class Step<V, D extends Decision<V>> {
    @Nullable D decision;
    boolean accessed;

    /** Asks the decision for the current value, tells the writer, and returns what becomes of the entry. */
    Change<V> decide(@Nullable V current, Function<@Nullable V, D> decide) {
      decision = decide.apply(current);
      Action<V> action = decision.action();
      action.runWriter();
      accessed = false;
      switch (action.kind) {
        case KEEP:
          return (current == null) ? Change.<V>remove() : Change.store(current, Ttl.UNCHANGED);
        case ACCESS:
          accessed = current != null;
          return (current == null) ? Change.<V>remove() : Change.store(current, Ttl.UNCHANGED);
        case REMOVE:
          return Change.<V>remove();
        default:
          return Change.store(requireNonNull(action.value, "a put has a value"), requireNonNull(action.ttl, "a put has a ttl"));
      }
    }
  }

  @Override
  public Iterator<K> keys() {
    return l1.keys();
  }

  @Override
  public void clear() {
    l1.clear();
  }

  @Override
  public @Nullable V loadShared(K key, Supplier<Loaded<V>> load, Duration lease, Duration maxWait,
      Committed<? super Loaded<V>> committed) {
    Loaded<V> loaded = load.get();
    if (loaded.kept()) {
      putLoaded(key, requireNonNull(loaded.stored(), "a kept load stores a value"), loaded.ttl(), stored -> {
        if (stored) {
          committed.report(loaded);
        }
      });
    }
    return loaded.value();
  }

  @Override
  public Optional<StreamingBackend> streams() {
    return l1.streams();
  }

  @Override
  public List<Health> health() {
    return List.of(l1.healthCheck());
  }

  @Override
  public TierStatistics statistics() {
    return statistics;
  }

  @Override
  public void close() {
    l1.close();
  }
}
