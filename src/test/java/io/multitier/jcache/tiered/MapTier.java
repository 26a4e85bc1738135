package io.multitier.jcache.tiered;

import io.multitier.jcache.spi.Health;
import io.multitier.jcache.spi.L2CacheBackend;
import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import io.multitier.jcache.testing.FakeTicker;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A third-party tier written only against the public backend SPI: maps in this JVM, shared by every
 * CacheManager (like a second Redis or a disk store would be), with times to live on a clock the
 * test moves.
 */
public final class MapTier implements L2CacheBackend<String, byte[]> {

  /** The clock of every MapTier's times to live. */
  public static final FakeTicker clock = new FakeTicker();

  private static final Map<String, Map<String, Entry>> stores = new ConcurrentHashMap<>();

  private final Map<String, Entry> store;

  /** Creates the tier of one cache; all tiers of one cache name share their entries. */
  public MapTier(String cacheName) {
    this.store = stores.computeIfAbsent(cacheName, name -> new ConcurrentHashMap<>());
  }

  /** Returns how long the key still lives in the cache's tier, or {@code null} if absent. */
  public static Duration remaining(String cacheName, String encodedKey) {
    Entry entry = stores.getOrDefault(cacheName, Map.of()).get(encodedKey);
    return (entry == null || entry.expired()) ? null : entry.left();
  }

  /** Empties every tier. */
  public static void reset() {
    stores.clear();
  }

  private record Entry(byte[] bytes, long expiresAt) {
    boolean expired() {
      return expiresAt != Long.MAX_VALUE && clock.read() >= expiresAt;
    }

    Duration left() {
      return (expiresAt == Long.MAX_VALUE) ? Ttl.ETERNAL : Duration.ofNanos(expiresAt - clock.read());
    }
  }

  private static Entry entry(byte[] bytes, Duration ttl) {
    return new Entry(bytes, Ttl.isEternal(ttl) ? Long.MAX_VALUE : clock.read() + ttl.toNanos());
  }

  private Entry live(String key) {
    Entry entry = store.get(key);
    if (entry != null && entry.expired()) {
      store.remove(key, entry);
      return null;
    }
    return entry;
  }

  @Override
  public String name() {
    return "L3 map";
  }

  @Override
  public ValueWithTtl<byte[]> getWithTtl(String key) {
    Entry entry = live(key);
    return (entry == null) ? null : new ValueWithTtl<>(entry.bytes(), entry.left());
  }

  @Override
  public byte[] get(String key) {
    Entry entry = live(key);
    return (entry == null) ? null : entry.bytes();
  }

  @Override
  public void setWithTtl(String key, byte[] value, Duration ttl) {
    store.put(key, entry(value, ttl));
  }

  @Override
  public boolean remove(String key) {
    return store.remove(key) != null;
  }

  @Override
  public Health healthCheck() {
    return Health.up(name(), store.size() + " entries");
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    return live(key) == null && store.putIfAbsent(key, entry(value, ttl)) == null;
  }

  @Override
  public boolean replace(String key, byte[] expected, byte[] value, Duration ttl) {
    Entry current = live(key);
    return current != null && Arrays.equals(current.bytes(), expected)
        && store.replace(key, current, entry(value, ttl));
  }

  @Override
  public boolean remove(String key, byte[] expected) {
    Entry current = live(key);
    return current != null && Arrays.equals(current.bytes(), expected) && store.remove(key, current);
  }

  @Override
  public byte[] getAndPut(String key, byte[] value, Duration ttlIfAbsent, Duration ttlIfPresent) {
    Entry previous = live(key);
    Duration ttl = (previous == null) ? ttlIfAbsent : ttlIfPresent;
    if (ttl.isZero()) {
      store.remove(key);
    } else if (Ttl.isUnchanged(ttl)) {
      store.put(key, new Entry(value, (previous == null) ? Long.MAX_VALUE : previous.expiresAt()));
    } else {
      store.put(key, entry(value, ttl));
    }
    return (previous == null) ? null : previous.bytes();
  }

  @Override
  public byte[] getAndRemove(String key) {
    Entry previous = store.remove(key);
    return (previous == null || previous.expired()) ? null : previous.bytes();
  }

  @Override
  public boolean setTtl(String key, Duration ttl) {
    Entry current = live(key);
    return current != null && store.replace(key, current, entry(current.bytes(), ttl));
  }

  @Override
  public Iterator<String> keys() {
    return List.copyOf(store.keySet()).iterator();
  }

  @Override
  public void clear() {
    store.clear();
  }

  @Override
  public void close() {}
}
