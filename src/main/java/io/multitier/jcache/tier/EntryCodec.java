package io.multitier.jcache.tier;

/**
 * Turns keys and values into the form a remote tier stores: a stable string per key, bytes per
 * value. Equal keys must encode to equal strings in every JVM.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
interface EntryCodec<K, V> {

  /** Returns the key's stable string form. */
  String encodeKey(K key);

  /** Returns the key that the string stands for. */
  K decodeKey(String encoded);

  /** Returns the value's bytes. */
  byte[] encodeValue(V value);

  /** Returns the value the bytes hold; throws if they are corrupt or not allowed. */
  V decodeValue(byte[] bytes);
}
