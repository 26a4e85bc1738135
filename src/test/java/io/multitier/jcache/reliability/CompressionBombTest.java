package io.multitier.jcache.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.multitier.jcache.testing.ChildJvm;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServerExtension;
import java.io.ByteArrayOutputStream;
import java.util.Collections;
import java.util.List;
import java.util.zip.Deflater;
import javax.cache.Cache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compressed values planted in Redis by someone else, read by 16 threads at once in a JVM of
 * 256 MiB: a 15-byte value that declares 64 MiB and deflate bombs (64 MiB of zeros in about
 * 64 KB, one of them starting with Kryo's tag) are each a miss, a counted corrupt value and a log line, never an {@code OutOfMemoryError},
 * in a cache with default settings, in one with {@code codec: kryo} and {@code compression: deflate},
 * and in one of {@code codec: java} whose {@code maxValueBytes} admits 64 MiB.
 */
final class CompressionBombTest {

  private static final String PREFIX = "bomb:";
  private static final int DECLARED = 64 * 1024 * 1024;
  private static final int READERS = 16;
  private static final List<String> CACHES = List.of("defaults", "kryo", "roomy");

  @RegisterExtension
  static final RedisServerExtension redis = new RedisServerExtension();

  @Test
  void aLyingLengthAndDeflateBombsReadFromSixteenThreadsInA256MiBHeapAreMisses() {
    redis.server().call("FLUSHALL");
    byte[] lying = lyingLength();
    byte[] bomb = deflateBomb((byte) 0);
    byte[] taggedBomb = deflateBomb((byte) 'K');
    assertThat(lying).hasSize(15);
    assertThat(bomb.length).as("64 MiB of zeros, deflated").isLessThan(80 * 1024);
    try (ManagerFiles files = new ManagerFiles()) {
      String yaml = ManagerFiles.sharedClient(redis.server(), PREFIX) + "caches:\n"
          + "  defaults: {keyType: java.lang.String, valueType: java.lang.String}\n"
          + "  kryo: {keyType: java.lang.String, valueType: java.lang.String, codec: kryo, compression: deflate,"
          + " compressAbove: 1KiB, allowedClasses: [\"java.lang.String\"]}\n"
          // values up to 128 MiB: only the ratio of claimed to stored bytes stops the bombs
          + "  roomy: {keyType: java.lang.String, valueType: java.lang.String, codec: java, maxValueBytes: 134217728}\n";
      try (ChildJvm child = ChildJvm.start(files.write("child.yaml", yaml).toUri())) {
        for (String cache : CACHES) {
          setRaw(cache, "lying", lying);
          setRaw(cache, "bomb", bomb);
          setRaw(cache, "tagged-bomb", taggedBomb);
          for (String key : List.of("lying", "bomb", "tagged-bomb")) {
            assertThat(child.getAtOnce(cache, key, READERS, redis.server().port()))
                .as("what %d threads read of '%s' in cache %s", READERS, key, cache)
                .isEqualTo(Collections.nCopies(READERS, "null"));
          }
          assertThat(child.stat(cache, "corrupt.values")).as("corrupt values read in cache %s", cache)
              .isGreaterThanOrEqualTo(3);
        }

        Cache<String, String> here = files.open(yaml).getCache("kryo", String.class, String.class);
        String large = "still working ".repeat(1000);
        here.put("large", large);
        assertThat(redis.server().call("GETRANGE", PREFIX + "{kryo}:s:large", "0", "0")).as("compressed").isEqualTo("Z");
        assertThat(child.get("kryo", "large")).as("a compressed value read after the bombs").isEqualTo(large);
        for (String cache : CACHES) {
          child.put(cache, "after", "fine");
          assertThat(child.get(cache, "after")).isEqualTo("fine");
          assertThat(files.open(yaml).getCache(cache, String.class, String.class).get("after")).isEqualTo("fine");
        }
        assertThat(child.stderr()).doesNotContain("OutOfMemoryError")
            .contains("Treating an undecodable value", "(at most 16777216)", "a compression bomb");
      }
    }
  }

  /** Returns 15 bytes: the compressed marker, a length of 64 MiB, and a valid deflate stream of 2 bytes. */
  private static byte[] lyingLength() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('Z');
    writeLength(out, DECLARED);
    out.writeBytes(deflate(new byte[] {'K', 1}, new byte[0], 0));
    return out.toByteArray();
  }

  /**
   * Returns the compressed marker, its true length of 64 MiB, and 64 MiB of zeros deflated, the
   * first byte replaced by {@code first} (a codec's tag, for a bomb that looks like a value).
   */
  private static byte[] deflateBomb(byte first) {
    byte[] start = new byte[1024 * 1024];
    start[0] = first;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('Z');
    writeLength(out, DECLARED);
    out.writeBytes(deflate(start, new byte[start.length], DECLARED / start.length - 1));
    return out.toByteArray();
  }

  /** Writes the length as the provider's framing does: seven bits a byte, the lowest first. */
  private static void writeLength(ByteArrayOutputStream out, int length) {
    for (; (length & ~0x7F) != 0; length >>>= 7) {
      out.write((length & 0x7F) | 0x80);
    }
    out.write(length);
  }

  /** Returns the deflate stream of the first bytes and {@code times} copies of the chunk. */
  private static byte[] deflate(byte[] first, byte[] chunk, int times) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      for (int i = -1; i < times; i++) {
        deflater.setInput((i < 0) ? first : chunk);
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

  private static void setRaw(String cache, String key, byte[] value) {
    redis.server().callBytes("SET".getBytes(UTF_8), (PREFIX + "{" + cache + "}:s:" + key).getBytes(UTF_8), value);
  }
}
