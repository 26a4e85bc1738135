package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.copy.SerializationException;
import io.multitier.jcache.copy.Serializer;
import java.util.Base64;
import java.util.UUID;

/**
 * The codec of the shared tier: values through a {@link Serializer}; keys as readable strings for
 * the common key types ({@code s:} text, {@code i:}/{@code l:} numbers, {@code u:} UUIDs) and as
 * base64 of their serialized form otherwise ({@code j:} for the {@code java} codec, {@code k:} for
 * {@code kryo}), so equal keys give equal strings in every JVM as long as their serialized form is
 * stable.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SerializingCodec<K, V> implements EntryCodec<K, V> {

  private final Serializer serializer;
  private final Serializer values;
  private final ClassLoader classLoader;
  private final char keyTag;

  /** Creates the codec of Java-serialized keys; classes are resolved through the class loader. */
  SerializingCodec(Serializer serializer, ClassLoader classLoader) {
    this(serializer, classLoader, 'j');
  }

  /** Creates the codec; serialized keys start with {@code keyTag:}, classes are resolved through the class loader. */
  SerializingCodec(Serializer serializer, ClassLoader classLoader, char keyTag) {
    this(serializer, serializer, classLoader, keyTag);
  }

  /**
   * Creates the codec of keys through {@code keys} and values through {@code values}: a value may
   * have more than one form (its classes named or referred to), a serialized key only one.
   */
  SerializingCodec(Serializer keys, Serializer values, ClassLoader classLoader, char keyTag) {
    this.serializer = requireNonNull(keys, "keys");
    this.values = requireNonNull(values, "values");
    this.classLoader = requireNonNull(classLoader, "classLoader");
    this.keyTag = keyTag;
  }

  @Override
  public String encodeKey(K key) {
    if (key instanceof String) {
      return "s:" + key;
    } else if (key instanceof Integer) {
      return "i:" + key;
    } else if (key instanceof Long) {
      return "l:" + key;
    } else if (key instanceof UUID) {
      return "u:" + key;
    }
    return keyTag + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(serializer.serialize(key));
  }

  @Override
  @SuppressWarnings("unchecked")
  public K decodeKey(String encoded) {
    if (encoded.length() < 2 || encoded.charAt(1) != ':') {
      throw new SerializationException("Not an encoded key: '" + encoded + "'");
    }
    String body = encoded.substring(2);
    try {
      switch (encoded.charAt(0)) {
        case 's': return (K) body;
        case 'i': return (K) Integer.valueOf(body);
        case 'l': return (K) Long.valueOf(body);
        case 'u': return (K) UUID.fromString(body);
        case 'j':
        case 'k':
          if (encoded.charAt(0) != keyTag) {
            throw new SerializationException("Not a key of this cache's codec: '" + encoded + "'");
          }
          return (K) serializer.deserialize(Base64.getUrlDecoder().decode(body), classLoader);
        default: throw new SerializationException("Not an encoded key: '" + encoded + "'");
      }
    } catch (IllegalArgumentException e) {
      throw new SerializationException("Not an encoded key: '" + encoded + "'", e);
    }
  }

  @Override
  public byte[] encodeValue(V value) {
    return values.serialize(value);
  }

  @Override
  @SuppressWarnings("unchecked")
  public V decodeValue(byte[] bytes) {
    return (V) values.deserialize(bytes, classLoader);
  }
}
