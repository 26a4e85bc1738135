package io.multitier.jcache.copy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of the shared tier: the first byte names the codec that wrote them ({@code 0xAC}, the
 * start of every Java serialization stream, for {@code java}; {@code 'K'} for {@code kryo}), or
 * {@code 'Z'} for a value compressed with the JDK's Deflater ({@link Deflated}), followed by its
 * length and the compressed bytes of a value of the first kind. Bytes of another codec, or of no
 * codec, are refused before they are decoded; compressed ones are read whatever this cache's own
 * compression, up to the cap on inflated values, which this cache's writes keep to as well.
 *
 * <p>The first time a cache writes an object of a class, it reads it back through its allow-list:
 * a value that every JVM would read as a miss (a class, or a class inside it, missing from
 * {@code allowedClasses}) is reported on the JVM that wrote it, naming the cache and the entry to add.
 */
final class Framing implements Serializer {

  private static final Logger logger = LoggerFactory.getLogger(Framing.class);

  /** The cap on inflated values without one of the cache's own: the Java path's limit on a stream. */
  static final int MAX_INFLATED = 64 * 1024 * 1024;

  private final Codec codec;
  private final Serializer serializer;
  private final @Nullable String cacheName;
  private final Compression compression;
  private final int compressAbove;
  private final int maxInflated;
  private final Set<Class<?>> readBack = ConcurrentHashMap.newKeySet();

  Framing(Codec codec, Serializer serializer, @Nullable String cacheName, Compression compression, int compressAbove,
      int maxInflated) {
    this.codec = codec;
    this.serializer = serializer;
    this.cacheName = cacheName;
    this.compression = compression;
    this.compressAbove = compressAbove;
    this.maxInflated = maxInflated;
  }

  @Override
  public byte[] serialize(Object object) {
    byte[] bytes = serializer.serialize(object);
    if (readBack.add(object.getClass())) {
      readBack(object, bytes);
    }
    if (compression == Compression.DEFLATE && bytes.length > compressAbove) {
      // a value that could not be read back compressed is written as it is (and refused if over maxValueBytes)
      byte[] deflated = Deflated.deflate(bytes, maxInflated);
      if (deflated != null) {
        return deflated;
      }
    }
    return bytes;
  }

  @Override
  public Object deserialize(byte[] bytes, ClassLoader classLoader) {
    byte[] plain = (bytes.length > 0 && bytes[0] == Deflated.MARKER) ? Deflated.inflate(bytes, maxInflated) : bytes;
    if (plain.length == 0) {
      throw new SerializationException("Cannot deserialize 0 bytes: an empty value");
    } else if (plain[0] == codec.tag()) {
      return serializer.deserialize(plain, classLoader);
    }
    for (Codec other : Codec.values()) {
      if (plain[0] == other.tag()) {
        throw SerializationException.foreign("Cannot deserialize " + bytes.length + " bytes" + where()
            + ": they were written with codec " + other + " and this cache reads codec " + codec
            + " (give every JVM sharing the cache the same codec)", other);
      }
    }
    throw new SerializationException("Cannot deserialize " + bytes.length + " bytes" + where()
        + ": no codec of this provider wrote them (first byte 0x" + String.format("%02x", plain[0] & 0xFF) + ")");
  }

  /** Reads back the first object of its class that the cache wrote, and says so if no JVM could. */
  private void readBack(Object object, byte[] bytes) {
    try {
      ClassLoader loader = object.getClass().getClassLoader();
      serializer.deserialize(bytes, (loader == null) ? Framing.class.getClassLoader() : loader);
    } catch (SerializationException e) {
      String refused = e.refusedClass();
      String cache = (cacheName == null) ? "A cache" : "The cache '" + cacheName + "'";
      if (refused == null) {
        logger.warn("{} wrote a {} to Redis that it cannot read back (every JVM reads it as a miss): {}",
            cache, object.getClass().getName(), e.getMessage());
      } else {
        int dot = refused.lastIndexOf('.');
        logger.warn("{} wrote a {} to Redis that no JVM can read back (every read of it there is a miss, counted in "
            + "refused.classes): {} is not on the cache's allow-list; add \"{}\"{} to allowedClasses", cache,
            object.getClass().getName(), refused, refused,
            (dot < 0) ? "" : " (or \"" + refused.substring(0, dot) + ".**\" for its package)");
      }
    }
  }

  private String where() {
    return (cacheName == null) ? "" : " from the shared tier of cache '" + cacheName + "'";
  }
}
