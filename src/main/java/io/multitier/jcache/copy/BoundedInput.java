package io.multitier.jcache.copy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/** Reads no length longer than the bytes left, so a forged length cannot make it allocate more than the value's size. */
final class BoundedInput extends Input {

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

  static void within(Input input, long length) {
    if (input instanceof BoundedInput) {
      ((BoundedInput) input).within(length);
    }
  }

  /** Peeks at the length (plus one) an array serializer reads first. */
  static void peekArrayLength(Input input) {
    int start = input.position();
    int length = input.readVarInt(true);
    input.setPosition(start);
    within(input, length - 1L);
  }

}
