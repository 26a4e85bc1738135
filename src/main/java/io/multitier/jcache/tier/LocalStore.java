package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.backend.caffeine.CaffeineBackend;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.StreamingBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The embedded default: one in-process tier that is also the source of truth.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class LocalStore<K, V> implements Store<K, V> {

  private final CaffeineBackend<K, V> l1;
  private final TierStatistics statistics = new TierStatistics();

  /** Creates the store over the in-process tier. */
  public LocalStore(CaffeineBackend<K, V> l1) {
    this.l1 = requireNonNull(l1, "l1");
  }

  @Override
  public V get(K key) {
    V value = l1.get(key);
    (value == null ? statistics.misses : statistics.l1Hits).increment();
    return value;
  }

  @Override
  public Map<K, V> getAll(Collection<? extends K> keys) {
    Map<K, V> found = l1.getAll(keys);
    statistics.l1Hits.add(found.size());
    statistics.misses.add(keys.size() - found.size());
    return found;
  }

  @Override
  public boolean containsKey(K key) {
    return l1.get(key) != null;
  }

  @Override
  public void compute(K key, Function<V, Write<V>> function) {
    l1.compute(key, current -> {
      Write<V> write = function.apply(current);
      switch (write.kind) {
        case KEEP:
          return (current == null) ? null : new ValueWithTtl<>(current, Ttl.UNCHANGED);
        case REMOVE:
          return null;
        default:
          return new ValueWithTtl<>(write.value, write.ttl);
      }
    });
  }

  @Override
  public V getAndPut(K key, V value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    return l1.getAndPut(key, value, ttlIfAbsent, ttlIfPresent);
  }

  @Override
  public Map<K, V> getAndPutAll(Map<K, V> entries, Duration ttlIfAbsent, Duration ttlIfPresent) {
    return l1.getAndPutAll(entries, ttlIfAbsent, ttlIfPresent);
  }

  @Override
  public boolean putIfAbsent(K key, V value, Duration ttl) {
    return l1.putIfAbsent(key, value, ttl);
  }

  @Override
  public V getAndRemove(K key) {
    return l1.getAndRemove(key);
  }

  @Override
  public void setTtl(K key, Duration ttl) {
    l1.setTtl(key, ttl);
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
