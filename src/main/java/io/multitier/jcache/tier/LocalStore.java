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
import java.util.function.Supplier;

/**
 * The embedded default: one in-process tier that is also the source of truth. Atomic steps are
 * the tier's own atomic {@code compute}, so each decision is made, and the writer told, once.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LocalStore<K, V> implements Store<K, V> {

  private final NearCacheBackend<K, V> l1;
  private final Supplier<Duration> accessTtl;
  private final TierStatistics statistics = new TierStatistics(false);

  /** {@code accessTtl} {@code null}: the expiry policy never changes an entry's expiry on access. */
  LocalStore(NearCacheBackend<K, V> l1, Supplier<Duration> accessTtl) {
    this.l1 = requireNonNull(l1, "l1");
    this.accessTtl = accessTtl;
  }

  @Override
  public V get(K key) {
    V value = l1.get(key);
    if (statistics.readsCounted()) {
      (value == null ? statistics.misses : statistics.l1Hits).increment();
    }
    if (value != null && accessTtl != null) {
      accessed(key);
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
  public V compute(K key, Function<V, Write<V>> decide) {
    @SuppressWarnings("unchecked")
    V[] seen = (V[]) new Object[1];
    boolean[] access = {false};
    l1.compute(key, current -> {
      seen[0] = current;
      Write<V> write = decide.apply(current);
      write.runWriter();
      switch (write.kind) {
        case KEEP:
          return (current == null) ? Change.<V>remove() : Change.store(current, Ttl.UNCHANGED);
        case ACCESS:
          access[0] = current != null;
          return (current == null) ? Change.<V>remove() : Change.store(current, Ttl.UNCHANGED);
        case REMOVE:
          return Change.<V>remove();
        default:
          return Change.store(write.value, write.ttl);
      }
    });
    if (access[0]) {
      accessed(key);
    }
    return seen[0];
  }

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent, Runnable writeThrough) {
    if (writeThrough != null) {
      writeThrough.run();
    }
    return l1.getAndPut(key, value, ttlIfAbsent, ttlIfPresent);
  }

  @Override
  public Map<K, V> getAndPutAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Map<K, V> previous = new HashMap<>();
    entries.forEach((key, value) -> {
      V old = l1.getAndPut(key, value, ttlIfAbsent, ttlIfPresent);
      if (old != null) {
        previous.put(key, old);
      }
    });
    return previous;
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    return l1.putIfAbsent(key, value, ttl);
  }

  @Override
  public V getAndRemove(K key, Runnable writeThrough) {
    if (writeThrough != null) {
      writeThrough.run();
    }
    return l1.getAndRemove(key);
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
  public V loadShared(K key, Supplier<V> loader, Duration lease, Duration maxWait) {
    return loader.get();
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
