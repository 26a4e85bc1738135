package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Java serialization, with an optional allow-list filter on what may be read back.
 *
 * <p>Bytes that come from a shared store are untrusted: {@link #allowing(List)} refuses every class
 * that is neither one of the JDK's plain value and collection types nor matched by a configured
 * pattern, before any of its code runs. Copies made inside one JVM read only bytes this class just
 * wrote, and use {@link #trustingOwnBytes()}.
 */
public final class JavaSerializer implements Serializer {

  /** The JDK classes every filter allows: boxed primitives, strings, collections, time, math. */
  static final List<String> JDK_VALUE_TYPES = List.of("java.lang.String", "java.lang.Number",
      "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Integer",
      "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Character",
      "java.lang.Enum", "java.lang.Record", "java.lang.Object", "java.io.Serializable", "java.math.*", "java.time.*", "java.util.*",
      "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$*",
      "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.ConcurrentSkipListMap",
      "java.util.concurrent.ConcurrentSkipListSet", "java.util.UUID", "java.net.URI");

  private static final String LIMITS = "maxdepth=64;maxrefs=100000;maxbytes=67108864;maxarray=16777216";

  /** The allow-list and limits; {@code null} for bytes this JVM wrote itself. */
  private final @Nullable ObjectInputFilter filter;
  private final @Nullable String cacheName;

  private JavaSerializer(@Nullable ObjectInputFilter filter, @Nullable String cacheName) {
    this.filter = filter;
    this.cacheName = cacheName;
  }

  /**
   * Returns a serializer that reads back only the JDK's value types and classes matching the
   * patterns ({@code com.example.Type}, {@code com.example.*} for a package,
   * {@code com.example.**} for a package and its subpackages) or named by a preset
   * ({@code hibernate}, {@link ClassPresets}).
   */
  public static JavaSerializer allowing(List<String> patterns) {
    return allowing(null, patterns);
  }

  /** As {@link #allowing(List)}, for the cache whose name the refusals then give ({@code null}: no name). */
  public static JavaSerializer allowing(@Nullable String cacheName, List<String> patterns) {
    return allowing(cacheName, AllowList.of(patterns));
  }

  /** As {@link #allowing(String, List)}, with the allow-list already built. */
  static JavaSerializer allowing(@Nullable String cacheName, AllowList allowList) {
    StringBuilder spec = new StringBuilder(LIMITS);
    for (String pattern : allowList.patterns()) {
      spec.append(';').append(pattern);
    }
    spec.append(";!*");
    return new JavaSerializer(ObjectInputFilter.Config.createFilter(spec.toString()), cacheName);
  }

  /** Returns a serializer that reads back any class: only for bytes this JVM wrote itself. */
  public static JavaSerializer trustingOwnBytes() {
    return new JavaSerializer(null, null);
  }

  @Override
  public byte[] serialize(Object object) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    } catch (NotSerializableException e) {
      throw new SerializationException("Cannot store " + object.getClass().getName()
          + " by value: it is not Serializable (" + e.getMessage() + "); make it (and its fields' classes) implement "
          + "java.io.Serializable, or set codec: kryo (which needs no Serializable), or storeByValue: false "
          + "(the cache then keeps the instance itself, in this JVM only)", e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot serialize " + object.getClass().getName() + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object deserialize(byte[] bytes, ClassLoader classLoader) {
    requireNonNull(bytes, "bytes");
    String[] rejected = {null};
    try (ObjectInputStream in = new LoaderAwareInputStream(new ByteArrayInputStream(bytes), classLoader)) {
      if (filter != null) {
        in.setObjectInputFilter(info -> {
          ObjectInputFilter.Status status = filter.checkInput(info);
          if (status == ObjectInputFilter.Status.REJECTED && rejected[0] == null) {
            rejected[0] = (info.serialClass() == null) ? "a stream over the size limits"
                : info.serialClass().getName();
          }
          return status;
        });
      }
      return in.readObject();
    } catch (InvalidClassException e) {
      if (rejected[0] == null) {
        throw new SerializationException("Cannot deserialize " + bytes.length + " bytes: " + e, e);
      }
      throw refusal(rejected[0], e);
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      throw new SerializationException("Cannot deserialize " + bytes.length + " bytes: " + e, e);
    }
  }

  /** Returns the error of bytes the filter refused: the class, the cache if known, and the setting that would allow it. */
  private SerializationException refusal(String refused, InvalidClassException cause) {
    if (refused.startsWith("a stream ")) {
      String cache = (cacheName == null) ? "" : " read from the shared tier of cache '" + cacheName + "'";
      return new SerializationException("Refused to deserialize " + refused + cache
          + " (depth 64, 100,000 references, 64 MiB)", cause, refused);
    }
    return AllowList.refusal(refused, cacheName, cause);
  }

  /** Resolves classes through the cache's class loader first. */
  private static final class LoaderAwareInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    LoaderAwareInputStream(InputStream in, ClassLoader classLoader) throws IOException {
      super(in);
      this.classLoader = classLoader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (classLoader != null) {
        try {
          return Class.forName(desc.getName(), false, classLoader);
        } catch (ClassNotFoundException e) {
          // fall through to the default resolution (primitives, the JDK)
        }
      }
      return super.resolveClass(desc);
    }
  }
}
