package io.multitier.jcache.spi;

import static java.util.Objects.requireNonNull;

import javax.cache.event.EventType;
import org.jspecify.annotations.Nullable;

/**
 * A change of a shared entry as the shared tier reports it, in the order it took effect there.
 *
 * @param type what happened
 * @param key the entry's key
 * @param value the new value (created, updated), or {@code null}
 * @param oldValue the value it replaced or lost, or {@code null} if unknown or there was none
 * @param source who made the change
 * @param <K> the key type
 * @param <V> the value type
 */
public record SharedEvent<K, V>(EventType type, K key, @Nullable V value, @Nullable V oldValue,
    Source source) {

  /** Who made a change. */
  public enum Source {
    /** The shared tier itself: it expired the entry. */
    STORE,
    /** This client of the shared tier (this JVM's cache). */
    THIS_CLIENT,
    /** Another client: another JVM. */
    OTHER_CLIENT
  }

  public SharedEvent {
    requireNonNull(type, "type");
    requireNonNull(key, "key");
    requireNonNull(source, "source");
  }
}
