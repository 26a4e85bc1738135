package io.multitier.jcache.copy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.StringArraySerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.ArraysAsListSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers.PriorityQueueSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/** Kryo's serializers of collections and arrays, each with the declared size checked against the bytes left before anything is made. */
final class BoundedSerializers {

  private BoundedSerializers() {}

  /** Kryo's collection serializer, with the declared size checked before the collection is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedCollectionSerializer extends CollectionSerializer<Collection> {
    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
      BoundedInput.within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's map serializer, with the declared size checked before the map is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedMapSerializer extends MapSerializer<Map> {
    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
      BoundedInput.within(input, size);
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
      BoundedInput.within(input, size);
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
      BoundedInput.within(input, size);
      return super.create(kryo, input, type, size);
    }
  }

  /** Kryo's serializer of {@code PriorityQueue}, with the declared size checked before the queue is made. */
  @SuppressWarnings("rawtypes")
  static final class BoundedPriorityQueueSerializer extends PriorityQueueSerializer {
    @Override
    protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
      BoundedInput.within(input, size);
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
      BoundedInput.peekArrayLength(input);
      return super.read(kryo, input, type);
    }
  }

  /** Kryo's string array serializer, with the declared length checked before the array is made. */
  static final class BoundedStringArraySerializer extends StringArraySerializer {
    @Override
    @SuppressWarnings("rawtypes")
    public String[] read(Kryo kryo, Input input, Class type) {
      BoundedInput.peekArrayLength(input);
      return super.read(kryo, input, type);
    }
  }
}
