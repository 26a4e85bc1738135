package io.multitier.jcache.copy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
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
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.multitier.jcache.spi.ClassDictionary;
import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.sql.Timestamp;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * A Kryo whose registry is the allow-list ({@code null}: any class, for writing and for own copies)
 * and which names classes through the dictionary if given one.
 */
final class ListedKryo extends Kryo {
  private final Serializer java;

  ListedKryo(@Nullable AllowList allowList, @Nullable String cacheName, Serializer java,
      @Nullable ClassDictionary dictionary) {
    super(new NameResolver(allowList, cacheName, dictionary), new ValueReferences());
    this.java = java;
    setRegistrationRequired(false);
    setReferences(true);
    setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    if (allowList != null) {
      setMaxDepth(KryoSerializer.MAX_DEPTH);
    }
    addDefaultSerializer(Timestamp.class, new TimestampSerializer());
    addDefaultSerializer(UUID.class, new UUIDSerializer());
    addDefaultSerializer(URI.class, new URISerializer());
    for (int i = 0; i < KryoSerializer.FIXED_IDS.size(); i++) {
      register(KryoSerializer.FIXED_IDS.get(i), KryoSerializer.FIRST_FIXED_ID + i);
    }
    if (getRegistration(NameResolver.REFERENCE) != null) {
      throw new IllegalStateException("Kryo registers a class under the id that marks a class written by reference");
    }
    // every id up to the last fixed one: getNextRegistrationId() is the first free id, below the fixed ones
    for (int id = 0; allowList != null && id < KryoSerializer.FIRST_FIXED_ID + KryoSerializer.FIXED_IDS.size(); id++) {
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
      return new BoundedSerializers.BoundedCollectionSerializer();
    } else if (serializer.getClass() == MapSerializer.class) {
      return new BoundedSerializers.BoundedMapSerializer();
    } else if (serializer.getClass() == ObjectArraySerializer.class) {
      return new BoundedSerializers.BoundedObjectArraySerializer(this, type);
    } else if (serializer.getClass() == StringArraySerializer.class) {
      return new BoundedSerializers.BoundedStringArraySerializer();
    } else if (serializer instanceof JdkImmutableListSerializer) {
      return new BoundedSerializers.BoundedImmutableListSerializer();
    } else if (serializer.getClass() == ArraysAsListSerializer.class) {
      return new BoundedSerializers.BoundedArraysAsListSerializer();
    } else if (serializer.getClass() == PriorityQueueSerializer.class) {
      return new BoundedSerializers.BoundedPriorityQueueSerializer();
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
      return KryoSerializer.isJdk(type.getName()) || hasSerializationHooks(type);
    } else if (serializer.getClass() == CollectionSerializer.class || serializer.getClass() == MapSerializer.class) {
      return !hasPublicNoArgumentConstructor(type);
    }
    return false;
  }

  private static boolean hasSerializationHooks(Class<?> type) {
    for (Class<?> c = type; c != null && c != Object.class && !KryoSerializer.isJdk(c.getName()); c = c.getSuperclass()) {
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
