package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.SharedEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the shared tier tells this JVM of changes it did not make, decoded and applied to the near
 * tier: an invalidation drops the key's copy (every copy when it names no key, or one that cannot
 * be decoded); a shared event (an expiry in the shared tier, another JVM's change) is decoded for
 * the listener, and an expiry also drops the copy.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SharedNotices<K, V> {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final NearTier<K, V> near;
  private final LimitedCodec<K, V> codec;
  private final TierStatistics statistics;

  SharedNotices(NearTier<K, V> near, LimitedCodec<K, V> codec, TierStatistics statistics) {
    this.near = requireNonNull(near, "near");
    this.codec = requireNonNull(codec, "codec");
    this.statistics = requireNonNull(statistics, "statistics");
  }

  /** Drops every L1 copy: another JVM may have changed any key. */
  void invalidatedAll() {
    statistics.invalidationsReceived.increment();
    near.dropAll();
  }

  /** Drops the L1 copy of a key that another JVM changed. */
  void invalidated(String encodedKey) {
    statistics.invalidationsReceived.increment();
    K key;
    try {
      key = codec.decodeKey(encodedKey);
    } catch (RuntimeException e) {
      logger.debug("Dropping every L1 entry: undecodable invalidated key {}", encodedKey, e);
      near.dropAll();
      return;
    }
    near.invalidate(key);
  }

  /**
   * Returns the listener of the shared tier's events that tells {@code listener} of them, decoded;
   * an expiry also drops this JVM's copy and carries its value, if it had one. An event whose key
   * or values cannot be decoded is not passed on.
   */
  Consumer<SharedEvent<String, byte[]>> decoding(Consumer<SharedEvent<K, V>> listener) {
    requireNonNull(listener, "listener");
    return event -> shared(event, listener);
  }

  private void shared(SharedEvent<String, byte[]> event, Consumer<SharedEvent<K, V>> listener) {
    K key;
    try {
      key = codec.decodeKey(event.key());
    } catch (RuntimeException e) {
      logger.debug("Ignoring an event of an undecodable key {}", event.key(), e);
      return;
    }
    V value = (event.value() == null) ? null : codec.decodeValue(event.value());
    V oldValue = (event.oldValue() == null) ? null : codec.decodeValue(event.oldValue());
    if (event.source() == SharedEvent.Source.STORE) {
      oldValue = near.lastValue(key);
      near.drop(key);
    }
    if ((event.value() != null && value == null) || (event.oldValue() != null && oldValue == null)) {
      return;
    }
    listener.accept(new SharedEvent<>(event.type(), key, value, oldValue, event.source()));
  }
}
