package io.multitier.jcache.copy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * A value compressed with the JDK's Deflater: {@code 'Z'}, the inflated length (seven bits a byte,
 * the lowest first) and the zlib stream. The declared length is not trusted: a read allocates only
 * as the stream really produces bytes, never more than the cap, and refuses a value that claims to
 * inflate more than {@link #MAX_RATIO} times (a compression bomb) before inflating anything. The
 * writer keeps to the same rules, so that every value it compresses can be read back.
 */
final class Deflated {

  static final byte MARKER = 'Z';

  /**
   * The most a value above {@link #RATIO_FREE} may inflate, per byte stored: ordinary values
   * compress a few times, a bomb about a thousand (Apache POI refuses zip entries past the same 100).
   */
  static final int MAX_RATIO = 100;

  /** The inflated length below which the ratio is not checked: what any read may cost. */
  static final int RATIO_FREE = 100 * 1024;

  /** The first output buffer, unless the value is smaller or its compressed bytes are more. */
  private static final int FIRST_BUFFER = 8 * 1024;

  private Deflated() {}

  /** Returns the value compressed, or {@code null} if that would not be smaller or could not be read back under {@code maxInflated}. */
  static byte @Nullable [] deflate(byte[] plain, int maxInflated) {
    if (plain.length > maxInflated) {
      return null;
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(plain);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
      out.write(MARKER);
      for (int length = plain.length; ; length >>>= 7) {
        if ((length & ~0x7F) == 0) {
          out.write(length);
          break;
        }
        out.write((length & 0x7F) | 0x80);
      }
      byte[] buffer = new byte[Math.min(plain.length, 64 * 1024)];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return (out.size() < plain.length && withinRatio(plain.length, out.size())) ? out.toByteArray() : null;
    } finally {
      deflater.end();
    }
  }

  /**
   * Returns the inflated value, which starts with a codec's tag; throws {@link SerializationException}
   * for a length over {@code maxInflated} or over the ratio, and for a stream that is corrupt, ends
   * before or after the declared length, or inflates to bytes of no codec.
   */
  static byte[] inflate(byte[] bytes, int maxInflated) {
    int position = 1;
    long length = 0;
    for (int shift = 0; ; shift += 7) {
      if (position >= bytes.length || shift > 28) {
        throw corrupt(bytes, "a compressed value without its length");
      }
      int b = bytes[position++] & 0xFF;
      length |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length <= 0 || length > maxInflated) {
      throw corrupt(bytes, "a compressed value of " + length + " bytes (at most " + maxInflated + ")");
    } else if (!withinRatio(length, bytes.length)) {
      throw corrupt(bytes, "a compressed value that claims " + length + " bytes, over " + MAX_RATIO
          + " times its size (a compression bomb?)");
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, position, bytes.length - position);
      return inflateExactly(bytes, inflater, (int) length);
    } catch (DataFormatException e) {
      throw new SerializationException("Cannot deserialize " + bytes.length + " bytes: a corrupt compressed value", e);
    } finally {
      inflater.end();
    }
  }

  /** Inflates exactly {@code length} bytes, growing the buffer only as output arrives. */
  private static byte[] inflateExactly(byte[] bytes, Inflater inflater, int length) throws DataFormatException {
    byte[] plain = new byte[Math.min(length, Math.max(FIRST_BUFFER, bytes.length))];
    int filled = 0;
    while (true) {
      if (filled == plain.length) {
        if (filled == length) {
          break;
        }
        plain = Arrays.copyOf(plain, (int) Math.min(length, 2L * plain.length));
      }
      int n = inflater.inflate(plain, filled, plain.length - filled);
      if (n == 0) {
        break;
      }
      if (filled == 0 && !isCodecTag(plain[0])) {
        // zeros or another nested value: refused after the first buffer, not after the declared length
        throw corrupt(bytes, "a compressed value no codec of this provider wrote (first byte 0x"
            + String.format("%02x", plain[0] & 0xFF) + ")");
      }
      filled += n;
    }
    if (filled == length && !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
      throw corrupt(bytes, "a compressed value longer than its declared " + length + " bytes");
    }
    if (filled != length || !inflater.finished()) {
      throw corrupt(bytes, "a corrupt compressed value");
    }
    return plain;
  }

  /** Returns whether a value of this length, stored in this many bytes, is within {@link #MAX_RATIO}. */
  private static boolean withinRatio(long length, int stored) {
    return length <= RATIO_FREE || length <= (long) stored * MAX_RATIO;
  }

  private static boolean isCodecTag(byte first) {
    for (Codec codec : Codec.values()) {
      if (first == codec.tag()) {
        return true;
      }
    }
    return false;
  }

  private static SerializationException corrupt(byte[] bytes, String what) {
    return new SerializationException("Cannot deserialize " + bytes.length + " bytes: " + what);
  }
}
