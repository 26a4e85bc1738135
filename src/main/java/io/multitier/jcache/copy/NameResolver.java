package io.multitier.jcache.copy;

import static java.util.Objects.requireNonNull;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.multitier.jcache.spi.ClassDictionary;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes classes by name with a fingerprint of an application class's fields, or, with a
 * {@link ClassDictionary}, by the four-byte reference of that entry; reads refuse what the
 * allow-list does not match, by name before loading, and with its superclasses when the class is
 * first registered (every class Kryo meets but those of fixed ids, all checked at construction).
 * A class read by reference must have that reference here too, which also checks its fields.
 * Both forms read whether or not this JVM writes with a dictionary.
 */
final class NameResolver extends DefaultClassResolver {

  /** The registration id, unused by Kryo and {@link KryoSerializer#FIXED_IDS}, that marks a class written by reference. */
  static final int REFERENCE = 10;

  private final @Nullable AllowList allowList;
  private final @Nullable String cacheName;
  private final @Nullable ClassDictionary dictionary;
  private final ClassValue<String> entries = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      String name = type.getName();
      return KryoSerializer.isJdk(name) ? name : name + '#' + Integer.toHexString(fingerprints.get(type));
    }
  };
  /** The classes read by reference, each checked once: a reference stands for one entry whatever the dictionary says later. */
  private final com.esotericsoftware.kryo.util.IntMap<Class<?>> referenced = new com.esotericsoftware.kryo.util.IntMap<>();
  private final ClassValue<Integer> references = new ClassValue<>() {
    @Override
    protected Integer computeValue(Class<?> type) {
      return ClassDictionary.referenceOf(entries.get(type));
    }
  };
  private final ClassValue<Integer> fingerprints = new ClassValue<>() {
    @Override
    protected Integer computeValue(Class<?> type) {
      return fingerprintOf(type, kryo.getRegistration(type).getSerializer());
    }
  };

  NameResolver(@Nullable AllowList allowList, @Nullable String cacheName, @Nullable ClassDictionary dictionary) {
    this.allowList = allowList;
    this.cacheName = cacheName;
    this.dictionary = dictionary;
  }

  /** Forgets the classes read by name or reference, after the class loader changed. */
  void forgetNames() {
    if (nameToClass != null) {
      nameToClass.clear();
    }
    referenced.clear();
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
    if (classToNameId == null) {
      classToNameId = new com.esotericsoftware.kryo.util.IdentityObjectIntMap<>();
    }
    int nameId = classToNameId.get(type, -1);
    if (nameId != -1) {
      output.writeByte(1); // NAME + 2
      output.writeVarInt(nameId, true);
      return;
    }
    classToNameId.put(type, nextNameId++);
    Class<?> named = registration.getType();
    int reference = references.get(named);
    if (dictionary != null && dictionary.refer(reference, entries.get(named))) {
      // the reader numbers the classes it meets as the writer does: a repeat is written by number
      output.writeVarInt(REFERENCE + 2, true);
      output.writeInt(reference);
      return;
    }
    output.writeByte(1); // NAME + 2
    output.writeVarInt(nextNameId - 1, true);
    output.writeString(named.getName());
    if (!KryoSerializer.isJdk(named.getName())) {
      output.writeInt(fingerprints.get(named));
    }
  }

  @Override
  public Registration readClass(Input input) {
    int start = input.position();
    if (input.readVarInt(true) != REFERENCE + 2) {
      input.setPosition(start);
      return super.readClass(input);
    }
    int reference = input.readInt();
    Class<?> type = referenced.get(reference);
    if (type == null) {
      type = resolve(reference);
      referenced.put(reference, type);
    }
    Registration registration = kryo.getRegistration(type);
    if (nameIdToClass == null) {
      nameIdToClass = new com.esotericsoftware.kryo.util.IntMap<>();
    }
    nameIdToClass.put(nameIdToClass.size, type);
    return registration;
  }

  /** Returns the class of a reference: its entry's name allowed, loaded, and with that reference here. */
  private Class<?> resolve(int reference) {
    String entry = (dictionary == null) ? null : dictionary.entry(reference);
    if (entry == null) {
      throw new SerializationException("Cannot deserialize a value that names its class by reference "
          + ClassDictionary.hex(reference) + ": the class dictionary of the cache"
          + ((cacheName == null) ? "" : " '" + cacheName + "'") + " does not hold it");
    }
    int hash = entry.lastIndexOf('#');
    String className = (hash < 0) ? entry : entry.substring(0, hash);
    Class<?> type = load(className);
    kryo.getRegistration(type);
    if (references.get(type) != reference) {
      throw new SerializationException("Cannot deserialize a value of " + className
          + ": it was written by a JVM whose " + className + " has other fields than this one's");
    }
    return type;
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
    type = load(className);
    Registration registration = kryo.getRegistration(type);
    if (!KryoSerializer.isJdk(className) && input.readInt() != fingerprints.get(type)) {
      throw new SerializationException("Cannot deserialize a value of " + className
          + ": it was written by a JVM whose " + className + " has other fields than this one's");
    }
    nameIdToClass.put(nameId, type);
    return registration;
  }

  /** Returns the class of this name, refused before it is loaded if the allow-list does not match the name. */
  private Class<?> load(String className) {
    Class<?> type = getTypeByName(className);
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
    return type;
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
