package io.multitier.jcache.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Compressed values: a declared length is not trusted, a read allocates only what the stream
 * really yields and at most the cap, a bomb is refused before it is inflated, and every value the
 * writer compresses reads back.
 */
final class DeflatedTest {

  private static final ClassLoader LOADER = DeflatedTest.class.getClassLoader();
  private static final int MiB = 1024 * 1024;

  private final Serializer capped = Codec.KRYO.forSharedTier("c", List.of(), Compression.DEFLATE, 1024, 4 * MiB);
  private final Serializer uncapped = Codec.KRYO.forSharedTier("c", List.of(), Compression.NONE, 0);

  @Test
  void valuesRoundTripAndHighlyCompressibleOnesWithinTheRatioFreeSizeAreStillCompressed() {
    String text = text(200_000);
    byte[] stored = capped.serialize(text);
    assertThat(stored[0]).isEqualTo(Deflated.MARKER);
    assertThat(capped.deserialize(stored, LOADER)).isEqualTo(text);
    assertThat(uncapped.deserialize(stored, LOADER)).as("read whatever the reader's compression").isEqualTo(text);

    String repeated = "x".repeat(50_000);
    byte[] small = capped.serialize(repeated);
    assertThat(small[0]).isEqualTo(Deflated.MARKER);
    assertThat(small.length).isLessThan(repeated.length() / Deflated.MAX_RATIO);
    assertThat(capped.deserialize(small, LOADER)).isEqualTo(repeated);
  }

  @Test
  void theWriterStoresPlainWhatCouldNotBeReadBackCompressed() {
    String overTheRatio = "x".repeat(2 * MiB);
    byte[] stored = capped.serialize(overTheRatio);
    assertThat(stored[0]).as("compressed more than 100 times: stored plain").isEqualTo((byte) 'K');
    assertThat(capped.deserialize(stored, LOADER)).isEqualTo(overTheRatio);

    String overTheCap = text(5 * MiB);
    assertThat(capped.serialize(overTheCap)[0]).as("over the cap once inflated: stored plain").isEqualTo((byte) 'K');
  }

  @Test
  void aDeclaredLengthOverTheCapOrTheRatioIsRefusedBeforeAnythingIsInflated() {
    byte[] lying = frame(64 * MiB, zlib(new byte[] {'K', 1}, 1));
    assertThat(lying).hasSize(15);
    assertThat(refusal(() -> capped.deserialize(lying, LOADER))).hasMessageContaining("at most " + 4 * MiB);
    assertThat(refusal(() -> uncapped.deserialize(lying, LOADER))).hasMessageContaining("a compression bomb");

    byte[] bomb = frame(64 * MiB, zlib(new byte[MiB], 64));
    assertThat(bomb.length).isLessThan(80 * 1024);
    assertThat(allocatedBy(() -> refusal(() -> uncapped.deserialize(bomb, LOADER)))).isLessThan(64 * 1024);
    assertThat(refusal(() -> uncapped.deserialize(bomb, LOADER))).hasMessageContaining("a compression bomb");
  }

  @Test
  void aReadAllocatesOnlyAsTheStreamYieldsAndStopsAtTheDeclaredLength() {
    byte[] kryoText = uncapped.serialize(text(10_000));
    byte[] shortOfItsLength = frame(3 * MiB, zlib(random(40_000), 1));
    assertThat(allocatedBy(() -> refusal(() -> capped.deserialize(shortOfItsLength, LOADER))))
        .as("40 KB yielded of 3 MiB declared").isLessThan(400 * 1024);

    byte[] startsWithZeros = frame(Deflated.RATIO_FREE, zlib(new byte[Deflated.RATIO_FREE], 1));
    assertThat(allocatedBy(() -> assertThat(refusal(() -> capped.deserialize(startsWithZeros, LOADER)))
        .hasMessageContaining("no codec of this provider wrote"))).isLessThan(64 * 1024);

    byte[] longerThanDeclared = frame(100, zlib(kryoText, 1));
    assertThat(refusal(() -> capped.deserialize(longerThanDeclared, LOADER))).hasMessageContaining("longer than its declared 100");

    byte[] whole = frame(kryoText.length, zlib(kryoText, 1));
    assertThat(capped.deserialize(whole, LOADER)).isEqualTo(text(10_000));
    byte[] truncated = Arrays.copyOf(whole, whole.length - 5);
    assertThat(refusal(() -> capped.deserialize(truncated, LOADER))).hasMessageContaining("corrupt");
    byte[] nested = frame(whole.length, zlib(whole, 1));
    assertThat(refusal(() -> capped.deserialize(nested, LOADER))).hasMessageContaining("first byte 0x5a");
  }

  private static SerializationException refusal(Runnable read) {
    SerializationException refusal = catchThrowableOfType(SerializationException.class, read::run);
    assertThat(refusal).isNotNull();
    return refusal;
  }

  /** Returns the bytes this thread allocates running the read, after one warm-up run. */
  private static long allocatedBy(Supplier<?> read) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    read.get();
    long before = threads.getCurrentThreadAllocatedBytes();
    read.get();
    return threads.getCurrentThreadAllocatedBytes() - before;
  }

  private static byte[] frame(int declared, byte[] stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Deflated.MARKER);
    for (int length = declared; ; length >>>= 7) {
      if ((length & ~0x7F) == 0) {
        out.write(length);
        break;
      }
      out.write((length & 0x7F) | 0x80);
    }
    out.writeBytes(stream);
    return out.toByteArray();
  }

  /** Returns the zlib stream of {@code times} copies of the chunk. */
  private static byte[] zlib(byte[] chunk, int times) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      for (int i = 0; i < times; i++) {
        deflater.setInput(chunk);
        while (!deflater.needsInput()) {
          out.write(buffer, 0, deflater.deflate(buffer));
        }
      }
      deflater.finish();
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  /** Returns text that compresses a few times, as ordinary values do. */
  private static String text(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; text.length() < length; i++) {
      text.append("entry ").append(i * 7919 % 100_003).append(i % 3 == 0 ? " active\n" : " idle ");
    }
    return text.substring(0, length);
  }

  /** Returns bytes that start like a Kryo value and do not compress. */
  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    new java.util.Random(1).nextBytes(bytes);
    bytes[0] = 'K';
    return bytes;
  }
}
