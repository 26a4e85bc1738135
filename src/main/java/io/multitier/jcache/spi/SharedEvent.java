package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import javax.cache.event.EventType;

/**
 * A change of a shared entry that this JVM did not make: another client's write, or the store's
 * own expiry of the entry.
 *
 * @param type what happened
 * @param key the entry's key
 * @param value the new value (created, updated), or {@code null}
 * @param oldValue the value it replaced or lost, or {@code null} if unknown or there was none
 * @param fromStore whether the store itself made the change (an expiry), rather than a client
 * @param <K> the key type
 * @param <V> the value type
 */
public record SharedEvent<K, V>(EventType type, K key, V value, V oldValue, boolean fromStore) {

  public SharedEvent {
    requireNonNull(type, "type");
    requireNonNull(key, "key");
  }
}
