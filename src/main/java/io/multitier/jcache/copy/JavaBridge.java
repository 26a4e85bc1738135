package io.multitier.jcache.copy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/** A value inside the Kryo stream through Java serialization, filtered by the same allow-list. */
final class JavaBridge extends com.esotericsoftware.kryo.Serializer<Object> {
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
