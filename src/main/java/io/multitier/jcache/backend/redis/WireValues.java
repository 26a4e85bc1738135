package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How values cross to the scripts of {@link Scripts} and back: times to live in milliseconds
 * ({@code -1} eternal, {@code -2} unchanged, {@code 0} remove), the flags the scripts read, replies
 * of a value with its {@code PTTL}, and keys cut into batches of one round trip each.
 */
final class WireValues {

  /** How many keys one command or script carries at most. */
  static final int BATCH = 1_000;
  static final byte[] TTL_REMOVE = ascii("0");
  static final byte[] ZERO = ascii("0");
  static final byte[] ONE = ascii("1");
  static final byte[] ABSENT = ascii("a");
  static final byte[] PRESENT = ascii("p");
  static final byte[] PUT = ascii("put");
  static final byte[] DELETE = ascii("del");
  static final byte[] EMPTY = new byte[0];

  private static final Duration LONGEST_EXPIRY = Duration.ofMillis(Long.MAX_VALUE / 2);
  private static final byte[] TTL_ETERNAL = ascii("-1");
  private static final byte[] TTL_UNCHANGED = ascii("-2");

  private WireValues() {}

  /** Returns a time to live as a script reads it: whole milliseconds, rounded up. */
  static byte[] ttlArgument(Duration ttl) {
    requireNonNull(ttl, "ttl");
    if (Ttl.isUnchanged(ttl)) {
      return TTL_UNCHANGED;
    }
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("negative time to live: " + ttl);
    }
    if (ttl.isZero()) {
      return TTL_REMOVE;
    }
    if (ttl.compareTo(LONGEST_EXPIRY) > 0) {
      return TTL_ETERNAL;
    }
    long millis = ttl.toMillis();
    if (ttl.compareTo(Duration.ofMillis(millis)) > 0) {
      millis++;
    }
    return ascii(Long.toString(millis));
  }

  /** Returns a value and its {@code PTTL} as read by a script, or null if the key is gone. */
  static ValueWithTtl<byte[]> withTtl(Object value, Object pttl) {
    long millis = (Long) pttl;
    if (millis == -1) {
      return new ValueWithTtl<>((byte[]) value, Ttl.ETERNAL);
    }
    return (millis > 0) ? new ValueWithTtl<>((byte[]) value, Duration.ofMillis(millis)) : null;
  }

  /** Cuts the keys into batches of at most {@link #BATCH}, in their order. */
  static List<List<String>> batches(Collection<? extends String> keys) {
    List<List<String>> batches = new ArrayList<>();
    List<String> batch = new ArrayList<>(Math.min(keys.size(), BATCH));
    for (String key : keys) {
      batch.add(requireNonNull(key, "key"));
      if (batch.size() == BATCH) {
        batches.add(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  static byte[] ascii(String text) {
    return text.getBytes(US_ASCII);
  }
}
