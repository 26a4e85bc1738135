package io.multitier.jcache.copy;

/**
 * Turns objects into bytes and back: for copies made by store-by-value and for values kept in a
 * shared tier. Implementations are thread-safe; a pluggable one may use any format.
 */
public interface Serializer {

  /** Returns the object's bytes; throws {@link SerializationException} if it cannot be written. */
  byte[] serialize(Object object);

  /** Returns the object the bytes hold; throws {@link SerializationException} if they are corrupt or not allowed. */
  Object deserialize(byte[] bytes, ClassLoader classLoader);
}
