package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ArraysAsListSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.PriorityQueueSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.TimestampSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.URISerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.UUIDSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers.JdkImmutableListSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import com.esotericsoftware.kryo.util.Pool;
import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
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
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo 5 with the allow-list as its registry: a class is written by its name (so every JVM reads
 * it alike, whatever order it met its classes in), or by a fixed id for the JDK types of
 * {@link #FIXED_IDS}; reading refuses a name the allow-list does not match before the class is
 * even loaded, and a loaded class whose superclasses it does not match before any of its code runs.
 * A class of the application is followed by a fingerprint of its fields, so a JVM with another
 * version of the class refuses the bytes rather than misreading them. Classes that serialize
 * themselves ({@code readResolve}, {@code writeObject}, {@code Externalizable}) and JDK classes
 * Kryo cannot take apart go through the filtered {@link JavaSerializer} inside the Kryo stream.
 */
final class KryoSerializer implements Serializer {

  /** The first byte of what this serializer writes. */
  static final byte TAG = 'K';

  /** The deepest object graph read back, as the Java path's filter. */
  private static final int MAX_DEPTH = 64;

  /** Buffers above this are dropped after use rather than kept in the pool. */
  private static final int KEPT_BUFFER = 64 * 1024;

  /** JDK types written as a one-byte id; append only: an id never changes its class. */
  private static final List<Class<?>> FIXED_IDS = List.of(ArrayList.class, LinkedList.class, HashMap.class,
      LinkedHashMap.class, TreeMap.class, HashSet.class, LinkedHashSet.class, TreeSet.class, Object[].class,
      String[].class, byte[].class, int[].class, long[].class, BigDecimal.class, BigInteger.class, Date.class,
      UUID.class, URI.class, LocalDate.class, LocalTime.class, LocalDateTime.class, Instant.class, Duration.class,
      OffsetDateTime.class, ZonedDateTime.class, Collections.emptyList().getClass(), Collections.emptyMap().getClass(),
      Collections.emptySet().getClass(), Collections.singletonList(0).getClass(), Collections.singletonMap(0, 0).getClass(),
      Collections.singleton(0).getClass(), Arrays.asList().getClass(), List.of().getClass(), List.of(0).getClass(),
      Set.of().getClass(), Set.of(0).getClass(), Map.of().getClass(), Map.of(0, 0).getClass(), Optional.class,
      ConcurrentHashMap.class, Serializable[].class, char[].class, double[].class, float[].class, short[].class,
      boolean[].class, Locale.class, Currency.class);

  private static final int FIRST_FIXED_ID = 16;

  /** What may be read back; {@code null} for the trusting serializer of this JVM's own bytes. */
  private final @Nullable AllowList allowList;
  private final @Nullable String cacheName;
  private final Serializer java;
  private final Pool<Kryo> writers;
  private final Pool<Kryo> readers;
  private final Pool<Output> outputs = new Pool<>(true, false, 64) {
    @Override
    protected Output create() {
      return new Output(512, -1);
    }
  };

  private KryoSerializer(@Nullable AllowList allowList, @Nullable String cacheName, Serializer java) {
    this.allowList = allowList;
    this.cacheName = cacheName;
    this.java = java;
    this.writers = pool(null);
    this.readers = (allowList == null) ? writers : pool(allowList);
  }

  /** Returns a serializer that reads back only what the allow-list matches, for the cache named in its refusals. */
  static KryoSerializer allowing(@Nullable String cacheName, AllowList allowList) {
    requireNonNull(allowList, "allowList");
    return new KryoSerializer(allowList, cacheName, JavaSerializer.allowing(cacheName, allowList));
  }

  /** Returns the serializer that reads back any class, one for the JVM: only for bytes this JVM wrote itself. */
  static KryoSerializer trustingOwnBytes() {
    return Trusting.INSTANCE;
  }

  /** Holds the JVM's trusting serializer, made on first use. */
  private static final class Trusting {
    static final KryoSerializer INSTANCE = new KryoSerializer(null, null, JavaSerializer.trustingOwnBytes());
  }

  private Pool<Kryo> pool(@Nullable AllowList checks) {
    return new Pool<>(true, false, 64) {
      @Override
      protected Kryo create() {
        return new ListedKryo(checks, cacheName, java);
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

  /** A Kryo whose registry is the allow-list ({@code null}: any class, for writing and for own copies). */
  static final class ListedKryo extends Kryo {
    private final Serializer java;

    ListedKryo(@Nullable AllowList allowList, @Nullable String cacheName, Serializer java) {
      super(new NameResolver(allowList, cacheName), new ValueReferences());
      this.java = java;
      setRegistrationRequired(false);
      setReferences(true);
      setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
      if (allowList != null) {
        setMaxDepth(MAX_DEPTH);
      }
      addDefaultSerializer(Timestamp.class, new TimestampSerializer());
      addDefaultSerializer(UUID.class, new UUIDSerializer());
      addDefaultSerializer(URI.class, new URISerializer());
      for (int i = 0; i < FIXED_IDS.size(); i++) {
        register(FIXED_IDS.get(i), FIRST_FIXED_ID + i);
      }
      for (int id = 0; allowList != null && id < getNextRegistrationId(); id++) {
        Registration registration = getRegistration(id);
        if (registration != null && !allowList.allows(registration.getType())) {
          throw new IllegalStateException(registration.getType() + " has a fixed id but is not among the JDK's value types");
        }
      }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public com.esotericsoftware.kryo.Serializer getDefaultSerializer(Class type) {
      com.esotericsoftware.kryo.Serializer serializer = super.getDefaultSerializer(type);
      if (throughJava(type, serializer)) {
        return new JavaBridge(java);
      } else if (serializer.getClass() == CollectionSerializer.class) {
        return new BoundedCollectionSerializer();
      } else if (serializer.getClass() == MapSerializer.class) {
        return new BoundedMapSerializer();
      } else if (serializer.getClass() == ObjectArraySerializer.class) {
        return new BoundedObjectArraySerializer(this, type);
      } else if (serializer.getClass() == StringArraySerializer.class) {
        return new BoundedStringArraySerializer();
      } else if (serializer instanceof JdkImmutableListSerializer) {
        return new BoundedImmutableListSerializer();
      } else if (serializer.getClass() == ArraysAsListSerializer.class) {
        return new BoundedArraysAsListSerializer();
      } else if (serializer.getClass() == PriorityQueueSerializer.class) {
        return new BoundedPriorityQueueSerializer();
      }
      return serializer;
    }

    /** Returns whether a class goes through Java serialization: it serializes itself, or Kryo cannot take it apart. */
    private static boolean throughJava(Class<?> type, com.esotericsoftware.kryo.Serializer<?> serializer) {
      if (!Serializable.class.isAssignableFrom(type) || type.isArray() || type.isEnum() || type.isRecord()) {
        return false;
      } else if (Externalizable.class.isAssignableFrom(type)) {
        return true;
      } else if (serializer instanceof FieldSerializer) {
        return isJdk(type.getName()) || hasSerializationHooks(type);
      } else if (serializer.getClass() == CollectionSerializer.class || serializer.getClass() == MapSerializer.class) {
        return !hasPublicNoArgumentConstructor(type);
      }
      return false;
    }

    private static boolean hasSerializationHooks(Class<?> type) {
      for (Class<?> c = type; c != null && c != Object.class && !isJdk(c.getName()); c = c.getSuperclass()) {
        if (declares(c, "writeReplace") || declares(c, "readResolve")
            || declares(c, "writeObject", ObjectOutputStream.class) || declares(c, "readObject", ObjectInputStream.class)) {
          return true;
        }
      }
      return false;
    }

    private static boolean declares(Class<?> type, String name, Class<?>... parameters) {
      try {
        type.getDeclaredMethod(name, parameters);
        return true;
      } catch (NoSuchMethodException e) {
        return false;
      }
    }

    private static boolean hasPublicNoArgumentConstructor(Class<?> type) {
      try {
        return Modifier.isPublic(type.getModifiers()) && Modifier.isPublic(type.getConstructor().getModifiers());
      } catch (NoSuchMethodException e) {
        return false;
      }
    }
  }

  /**
   * Keeps shared references and cycles, as Java serialization does, except among the immutable
   * value types, whose identity no reader can tell: they are written each time, without the cost of
   * tracking them.
   */
  static final class ValueReferences extends MapReferenceResolver {
    private static final Set<Class<?>> VALUES = Set.of(String.class, BigDecimal.class, BigInteger.class,
        UUID.class, URI.class, Instant.class, Duration.class, LocalDate.class, LocalTime.class, LocalDateTime.class,
        OffsetDateTime.class, ZonedDateTime.class, Currency.class, Locale.class);

    @Override
    @SuppressWarnings("rawtypes")
    public boolean useReferences(Class type) {
      return super.useReferences(type) && !VALUES.contains(type);
    }
  }

  /**
   * Writes classes by name with a fingerprint of an application class's fields; reads refuse what
   * the allow-list does not match, by name before loading, and with its superclasses when the class
   * is first registered (every class Kryo meets but those of fixed ids, all checked at construction).
   */
  static final class NameResolver extends DefaultClassResolver {
    private final @Nullable AllowList allowList;
    private final @Nullable String cacheName;
    private final ClassValue<Integer> fingerprints = new ClassValue<>() {
      @Override
      protected Integer computeValue(Class<?> type) {
        return fingerprintOf(type, kryo.getRegistration(type).getSerializer());
      }
    };

    NameResolver(@Nullable AllowList allowList, @Nullable String cacheName) {
      this.allowList = allowList;
      this.cacheName = cacheName;
    }

    /** Forgets the classes read by name, after the class loader changed. */
    void forgetNames() {
      if (nameToClass != null) {
        nameToClass.clear();
      }
    }

    @Override
    public Registration registerImplicit(Class type) {
      check(type);
      return super.registerImplicit(type);
    }

    private void check(Class<?> type) {
      if (allowList != null && !allowList.allows(type)) {
        // a refused type has a refused class in its hierarchy: both walk it alike
        throw AllowList.refusal(requireNonNull(allowList.firstRefused(type)), cacheName, null);
      }
    }

    @Override
    protected void writeName(Output output, Class type, Registration registration) {
      output.writeByte(1); // NAME + 2
      if (classToNameId != null) {
        int nameId = classToNameId.get(type, -1);
        if (nameId != -1) {
          output.writeVarInt(nameId, true);
          return;
        }
      }
      int nameId = nextNameId++;
      if (classToNameId == null) {
        classToNameId = new com.esotericsoftware.kryo.util.IdentityObjectIntMap<>();
      }
      classToNameId.put(type, nameId);
      output.writeVarInt(nameId, true);
      Class<?> named = registration.getType();
      output.writeString(named.getName());
      if (!isJdk(named.getName())) {
        output.writeInt(fingerprints.get(named));
      }
    }

    @Override
    protected Registration readName(Input input) {
      int nameId = input.readVarInt(true);
      if (nameIdToClass == null) {
        nameIdToClass = new com.esotericsoftware.kryo.util.IntMap<>();
      }
      Class type = nameIdToClass.get(nameId);
      if (type != null) {
        return kryo.getRegistration(type);
      }
      String className = input.readString();
      if (className == null || className.isEmpty()) {
        throw new KryoException("No class name");
      }
      type = getTypeByName(className);
      if (type == null) {
        if (allowList != null && !allowList.allowsName(className)) {
          throw AllowList.refusal(className, cacheName, null);
        }
        try {
          type = Class.forName(className, false, kryo.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new SerializationException("Cannot deserialize a value of " + className + ": no such class here", e);
        }
        if (nameToClass == null) {
          nameToClass = new com.esotericsoftware.kryo.util.ObjectMap<>();
        }
        nameToClass.put(className, type);
      }
      Registration registration = kryo.getRegistration(type);
      if (!isJdk(className) && input.readInt() != fingerprints.get(type)) {
        throw new SerializationException("Cannot deserialize a value of " + className
            + ": it was written by a JVM whose " + className + " has other fields than this one's");
      }
      nameIdToClass.put(nameId, type);
      return registration;
    }

    /** Returns a hash of what the bytes of a class depend on: how it is written, and its fields (enum constants, record components). */
    private static int fingerprintOf(Class<?> type, com.esotericsoftware.kryo.Serializer<?> serializer) {
      StringBuilder form = new StringBuilder(serializer.getClass().getName()).append('|');
      if (serializer instanceof JavaBridge) {
        return form.toString().hashCode();
      } else if (type.isEnum()) {
        for (Object constant : type.getEnumConstants()) {
          form.append(((Enum<?>) constant).name()).append(',');
        }
      } else if (type.isRecord()) {
        for (RecordComponent component : type.getRecordComponents()) {
          form.append(component.getName()).append(':').append(component.getType().getName()).append(',');
        }
      } else {
        List<String> fields = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
          for (Field field : c.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.isSynthetic()) {
              fields.add(field.getName() + ':' + field.getType().getName());
            }
          }
        }
        fields.sort(null);
        form.append(String.join(",", fields));
      }
      return form.toString().hashCode();
    }
  }

  /** Reads no length longer than the bytes left, so a forged length cannot make it allocate more than the value's size. */
  static final class BoundedInput extends Input {

    BoundedInput(byte[] bytes, int offset, int count) {
      super(bytes, offset, count);
    }

    void within(long length) {
      if (length < 0 || length > limit - position) {
        throw new KryoException("A length of " + length + " is more than the " + (limit - position) + " bytes left");
      }
    }

    @Override
    public String readString() {
      peekUtf8Length();
      return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
      peekUtf8Length();
      return super.readStringBuilder();
    }

    /** Checks the length of a UTF-8 string before Kryo allocates its characters (0 is null, 1 the empty string). */
    private void peekUtf8Length() {
      if (readVarIntFlag()) {
        int start = position;
        int count = readVarIntFlag(true);
        position = start;
        if (count > 1) {
          within(count - 1L);
        }
      }
    }

    @Override
    public byte[] readBytes(int length) {
      within(length);
      return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
      within(length);
      return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
      within(length);
      return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
      within(length);
      return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
      within(length);
      return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
      within(length);
      return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
      within(length);
      return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
      within(length);
      return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
      within(length);
      return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
      within(length);
      return super.readBooleans(length);
    }
  }

  private static void within(Input input, long length) {
    if (input instanceof BoundedInput) {
      ((BoundedInput) input).within(length);
    }
  }

  /** Peeks at the length (plus one) an array serializer reads first. */
  private static void peekArrayLength(Input input) {
    int start = input.position();
    int length = input.readVarInt(true);
    input.setPosition(start);
    within(input, length - 1L);
  }

  /** Kryo's collection serializer, with the declared size checked before the collection is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedCollectionSerializer extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's map serializer, with the declared size checked before the map is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedMapSerializer extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's serializer of {@code List.of}, in the same form, with the declared size checked before the list is made. */
  static final class BoundedImmutableListSerializer extends CollectionSerializer<List<Object>> {
    BoundedImmutableListSerializer() {
      setElementsCanBeNull(false);
    }

    @Override
    protected List<Object> create(Kryo kryo, Input input, Class<? extends List<Object>> type, int size) {
      within(input, size);
      return new ArrayList<>(size);
    }

    @Override
    public @Nullable List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
      List<Object> list = super.read(kryo, input, type);
      return (list == null) ? null : List.of(list.toArray());
    }
  }

  /** Kryo's serializer of {@code Arrays.asList}, with the declared size checked before the list is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedArraysAsListSerializer extends ArraysAsListSerializer {
    @Override
    protected List create(Kryo kryo, Input input, Class type, int size) {
      within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's serializer of {@code PriorityQueue}, with the declared size checked before the queue is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedPriorityQueueSerializer extends PriorityQueueSerializer {
    @Override
    protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
      within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's object array serializer, with the declared length checked before the array is made. */
  static final class BoundedObjectArraySerializer extends ObjectArraySerializer {
    BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
      super(kryo, type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object[] read(Kryo kryo, Input input, Class type) {
      peekArrayLength(input);
      return super.read(kryo, input, type);
    }
  }

  /** Kryo's string array serializer, with the declared length checked before the array is made. */
  static final class BoundedStringArraySerializer extends StringArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public String[] read(Kryo kryo, Input input, Class type) {
      peekArrayLength(input);
      return super.read(kryo, input, type);
    }
  }

  /** A value inside the Kryo stream through Java serialization, filtered by the same allow-list. */
  static final class JavaBridge extends com.esotericsoftware.kryo.Serializer<Object> {
    private final Serializer java;

    JavaBridge(Serializer java) {
      this.java = java;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {
      byte[] bytes = java.serialize(object);
      output.writeVarInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<? extends Object> type) {
      int length = input.readVarInt(true);
      Object object = java.deserialize(input.readBytes(length), kryo.getClassLoader());
      if (!type.isInstance(object)) {
        throw new SerializationException("Cannot deserialize a value of " + type.getName() + ": the bytes hold a "
            + object.getClass().getName());
      }
      return object;
    }
  }
}
