package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.multitier.jcache.spi.ClassDictionary;
import java.io.Externalizable;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Kryo 5 with the allow-list as its registry: a class is written by its name (so every JVM reads
 * it alike, whatever order it met its classes in), or by a fixed id for the JDK types of
 * {@link #FIXED_IDS}; reading refuses a name the allow-list does not match before the class is
 * even loaded, and a loaded class whose superclasses it does not match before any of its code runs.
 * A class of the application is followed by a fingerprint of its fields, so a JVM with another
 * version of the class refuses the bytes rather than misreading them. With a {@link ClassDictionary}
 * a class is written by the four-byte reference of its name and fingerprint instead. Classes that serialize
 * themselves ({@code readResolve}, {@code writeObject}, {@code Externalizable}) and JDK classes
 * Kryo cannot take apart go through the filtered {@link JavaSerializer} inside the Kryo stream.
 */
final class KryoSerializer implements Serializer {

  /** The first byte of what this serializer writes. */
  static final byte TAG = 'K';

  /** The deepest object graph read back, as the Java path's filter. */
  static final int MAX_DEPTH = 64;

  /** Buffers above this are dropped after use rather than kept in the pool. */
  private static final int KEPT_BUFFER = 64 * 1024;

  /** JDK types written as a one-byte id; append only: an id never changes its class. */
  static final List<Class<?>> FIXED_IDS = List.of(ArrayList.class, LinkedList.class, HashMap.class,
      LinkedHashMap.class, TreeMap.class, HashSet.class, LinkedHashSet.class, TreeSet.class, Object[].class,
      String[].class, byte[].class, int[].class, long[].class, BigDecimal.class, BigInteger.class, Date.class,
      UUID.class, URI.class, LocalDate.class, LocalTime.class, LocalDateTime.class, Instant.class, Duration.class,
      OffsetDateTime.class, ZonedDateTime.class, Collections.emptyList().getClass(), Collections.emptyMap().getClass(),
      Collections.emptySet().getClass(), Collections.singletonList(0).getClass(), Collections.singletonMap(0, 0).getClass(),
      Collections.singleton(0).getClass(), Arrays.asList().getClass(), List.of().getClass(), List.of(0).getClass(),
      Set.of().getClass(), Set.of(0).getClass(), Map.of().getClass(), Map.of(0, 0).getClass(), Optional.class,
      ConcurrentHashMap.class, Serializable[].class, char[].class, double[].class, float[].class, short[].class,
      boolean[].class, Locale.class, Currency.class);

  static final int FIRST_FIXED_ID = 16;

  /** What may be read back; {@code null} for the trusting serializer of this JVM's own bytes. */
  private final @Nullable AllowList allowList;
  private final @Nullable String cacheName;
  private final @Nullable ClassDictionary dictionary;
  private final Serializer java;
  private final Pool<Kryo> writers;
  private final Pool<Kryo> readers;
  private final Pool<Output> outputs = new Pool<>(true, false, 64) {
    @Override
    protected Output create() {
      return new Output(512, -1);
    }
  };

  private KryoSerializer(@Nullable AllowList allowList, @Nullable String cacheName, Serializer java,
      @Nullable ClassDictionary dictionary) {
    this.allowList = allowList;
    this.cacheName = cacheName;
    this.dictionary = dictionary;
    this.java = java;
    this.writers = pool(null);
    this.readers = (allowList == null) ? writers : pool(allowList);
  }

  /** Returns a serializer that reads back only what the allow-list matches, for the cache named in its refusals. */
  static KryoSerializer allowing(@Nullable String cacheName, AllowList allowList) {
    return allowing(cacheName, allowList, null);
  }

  /** As {@link #allowing(String, AllowList)}, naming classes through the dictionary if one is given. */
  static KryoSerializer allowing(@Nullable String cacheName, AllowList allowList, @Nullable ClassDictionary dictionary) {
    requireNonNull(allowList, "allowList");
    return new KryoSerializer(allowList, cacheName, JavaSerializer.allowing(cacheName, allowList), dictionary);
  }

  /** Returns the serializer that reads back any class, one for the JVM: only for bytes this JVM wrote itself. */
  static KryoSerializer trustingOwnBytes() {
    return Trusting.INSTANCE;
  }

  /** Holds the JVM's trusting serializer, made on first use. */
  private static final class Trusting {
    static final KryoSerializer INSTANCE = new KryoSerializer(null, null, JavaSerializer.trustingOwnBytes(), null);
  }

  private Pool<Kryo> pool(@Nullable AllowList checks) {
    return new Pool<>(true, false, 64) {
      @Override
      protected Kryo create() {
        return new ListedKryo(checks, cacheName, java, dictionary);
      }
    };
  }

  @Override
  public byte[] serialize(Object object) {
    requireNonNull(object, "object");
    Kryo kryo = writers.obtain();
    Output output = outputs.obtain();
    try {
      output.reset();
      output.writeByte(TAG);
      kryo.writeClassAndObject(output, object);
      return output.toBytes();
    } catch (RuntimeException e) {
      kryo.reset();
      throw failure(e, "Cannot serialize " + object.getClass().getName() + " with codec kryo: ");
    } finally {
      writers.free(kryo);
      if (output.getBuffer().length <= KEPT_BUFFER) {
        outputs.free(output);
      }
    }
  }

  @Override
  public Object deserialize(byte[] bytes, ClassLoader classLoader) {
    requireNonNull(bytes, "bytes");
    if (bytes.length < 2 || bytes[0] != TAG) {
      throw new SerializationException("Cannot deserialize " + bytes.length + " bytes: not written by codec kryo");
    }
    Kryo kryo = readers.obtain();
    try {
      ClassLoader loader = (classLoader == null) ? KryoSerializer.class.getClassLoader() : classLoader;
      if (kryo.getClassLoader() != loader) {
        kryo.setClassLoader(loader);
        ((NameResolver) kryo.getClassResolver()).forgetNames();
      }
      Input input = new BoundedInput(bytes, 1, bytes.length - 1);
      Object object = kryo.readClassAndObject(input);
      if (input.position() != bytes.length) {
        throw new SerializationException("Cannot deserialize " + bytes.length + " bytes: "
            + (bytes.length - input.position()) + " bytes left over after the value");
      }
      return object;
    } catch (RuntimeException e) {
      kryo.reset();
      throw failure(e, "Cannot deserialize " + bytes.length + " bytes (codec kryo): ");
    } finally {
      readers.free(kryo);
    }
  }

  /** Returns the refusal or error inside a Kryo failure, or a new error with the failure's first line. */
  private static SerializationException failure(RuntimeException e, String message) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SerializationException) {
        return (SerializationException) cause;
      }
    }
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
    return new SerializationException(message + first, e);
  }

  /** Returns whether the name is the JDK's: such classes are trusted to be alike in every JVM, and carry no fingerprint. */
  static boolean isJdk(String className) {
    return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
        || className.startsWith("sun.") || className.startsWith("[");
  }

}
