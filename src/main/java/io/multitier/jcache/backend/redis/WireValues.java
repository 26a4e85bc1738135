package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import io.multitier.jcache.spi.Ttl;
import io.multitier.jcache.spi.ValueWithTtl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How values cross to the scripts of {@link Scripts} and back: times to live, the flags the scripts
 * read, replies of a value with its {@code PTTL}, and keys cut into batches of one round trip each.
 *
 * <p>Times to live are mapped here and nowhere else, one method each way. To a script
 * ({@link #ttlToWire}), {@link Ttl}'s vocabulary becomes a decimal number of milliseconds (rounded
 * up), {@code -1} for {@link Ttl#ETERNAL} (as Redis's {@code PTTL} says "no expiry"), {@code -2} for
 * {@link Ttl#UNCHANGED} ({@code SET ... KEEPTTL}) and {@code 0} for {@link java.time.Duration#ZERO}
 * (remove). From Redis ({@link #ttlFromWire}), a {@code PTTL} reply of {@code -1} becomes
 * {@link Ttl#ETERNAL} and a positive one that many milliseconds; {@code -2} (and {@code 0}) mean
 * the key is gone.
 */
final class WireValues {

  /** How many keys one command or script carries at most. */
  static final int BATCH = 1_000;
  /** The time to live argument that removes the entry. */
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
  private static final long PTTL_NO_EXPIRY = -1;

  private WireValues() {}

  /** Returns a time to live of {@link Ttl}'s vocabulary as a script reads it. */
  static byte[] ttlToWire(Duration ttl) {
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

  /** Returns what a {@code PTTL} reply says is left of a key's life, or {@code null} if the key is gone. */
  static @Nullable Duration ttlFromWire(long pttl) {
    if (pttl == PTTL_NO_EXPIRY) {
      return Ttl.ETERNAL;
    }
    return (pttl > 0) ? Duration.ofMillis(pttl) : null;
  }

  /** Returns a value and its {@code PTTL} as read by a script, or null if the key is gone. */
  static @Nullable ValueWithTtl<byte[]> withTtl(Object value, Object pttl) {
    Duration ttl = ttlFromWire((Long) pttl);
    return (ttl == null) ? null : new ValueWithTtl<>((byte[]) value, ttl);
  }

  /** Returns a value read from a cache none of whose entries expires. */
  static ValueWithTtl<byte[]> eternal(Object value) {
    return new ValueWithTtl<>((byte[]) value, Ttl.ETERNAL);
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
