package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.ClassDictionary;
import java.util.List;
import java.util.Locale;
import javax.cache.CacheException;
import org.jspecify.annotations.Nullable;

/**
 * The format of values that cross JVMs (and of store-by-value copies): {@code java}, Java
 * serialization, or {@code kryo}, Kryo 5, smaller and faster. Both read back only what the
 * allow-list ({@code allowedClasses}) names, and the bytes say which codec wrote them. A cache
 * that names none gets {@link #orDefault}'s.
 */
public enum Codec {
  JAVA,
  KRYO;

  /** A class of Kryo 5 that Kryo 4 does not have. */
  private static final String KRYO_5_CLASS = "com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy";

  /**
   * Returns the codec a cache uses: the one it names, else {@code kryo} if the cache is tiered and
   * Kryo 5 is on the class path (Redisson 3.52 brings it and does not start without it), else
   * {@code java}. An L1-only cache keeps Java serialization, so that it needs nothing but this jar
   * and copies alike whatever else is on the class path; it takes {@code kryo} when it names it.
   */
  public static Codec orDefault(@Nullable Codec named, boolean tiered) {
    if (named != null) {
      return named;
    }
    return (tiered && KryoPresence.PRESENT) ? KRYO : JAVA;
  }

  /** Returns the names of the codecs, as the configuration file spells them. */
  public static List<String> names() {
    return List.of("java", "kryo");
  }

  /** Returns the codec of this name, in any case; throws {@link IllegalArgumentException} naming the choices otherwise. */
  public static Codec parse(String name) {
    requireNonNull(name, "codec");
    for (Codec codec : values()) {
      if (codec.toString().equals(name.strip().toLowerCase(Locale.ROOT))) {
        return codec;
      }
    }
    throw new IllegalArgumentException("codec must be one of " + String.join(", ", names()) + ", not '" + name + "'");
  }

  /** As {@link #forSharedTier(String, List, Compression, int, int)}, with compressed values inflated up to 64 MiB. */
  public Serializer forSharedTier(@Nullable String cacheName, List<String> allowedClasses, Compression compression,
      int compressAbove) {
    return forSharedTier(cacheName, allowedClasses, compression, compressAbove, Framing.MAX_INFLATED);
  }

  /**
   * Returns the serializer of the shared tier: the allow-list on every read, compression above the
   * threshold, and no compressed value inflated past {@code maxInflated} bytes (the cache's
   * {@code maxValueBytes}), read or written. The cache's name, if given, is named in its errors.
   */
  public Serializer forSharedTier(@Nullable String cacheName, List<String> allowedClasses, Compression compression,
      int compressAbove, int maxInflated) {
    return forSharedTier(cacheName, allowedClasses, compression, compressAbove, maxInflated, null);
  }

  /**
   * As {@link #forSharedTier(String, List, Compression, int, int)}; {@code kryo} names classes
   * through the tier's dictionary if one is given (for values: keys must keep one form, so that
   * an equal key is always the same Redis key), and reads both forms either way.
   */
  public Serializer forSharedTier(@Nullable String cacheName, List<String> allowedClasses, Compression compression,
      int compressAbove, int maxInflated, @Nullable ClassDictionary dictionary) {
    AllowList allowList = AllowList.of(allowedClasses);
    Serializer serializer = (this == JAVA) ? JavaSerializer.allowing(cacheName, allowList)
        : kryoAllowing(cacheName, allowList, dictionary);
    return new Framing(this, serializer, cacheName, requireNonNull(compression, "compression"), compressAbove,
        maxInflated);
  }

  /** Returns the serializer of store-by-value copies, which read only bytes this JVM just wrote. */
  public Serializer forCopies() {
    if (this == JAVA) {
      return JavaSerializer.trustingOwnBytes();
    }
    try {
      return KryoSerializer.trustingOwnBytes();
    } catch (NoClassDefFoundError e) {
      throw kryoMissing(e);
    }
  }

  /** Returns the first byte of the values this codec writes (Java serialization's own stream magic for {@code java}). */
  byte tag() {
    return (this == JAVA) ? (byte) 0xAC : KryoSerializer.TAG;
  }

  /** Returns the Kryo serializer of the allow-list; Kryo's classes are first loaded here or in {@link #forCopies()}. */
  private static Serializer kryoAllowing(@Nullable String cacheName, AllowList allowList,
      @Nullable ClassDictionary dictionary) {
    try {
      return KryoSerializer.allowing(cacheName, allowList, dictionary);
    } catch (NoClassDefFoundError e) {
      throw kryoMissing(e);
    }
  }

  /** Returns the error of codec kryo without Kryo on the class path. */
  private static CacheException kryoMissing(NoClassDefFoundError e) {
    return new CacheException("codec kryo needs Kryo 5 on the class path: add com.esotericsoftware:kryo:5.6.2"
        + " (Redisson 3.52 brings it) or set codec: java", e);
  }

  /** Whether Kryo 5 can be loaded, looked up once. */
  private static final class KryoPresence {

    static final boolean PRESENT = present();

    private static boolean present() {
      try {
        Class.forName(KRYO_5_CLASS, false, Codec.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
