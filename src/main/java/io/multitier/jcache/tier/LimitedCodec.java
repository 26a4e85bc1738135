package io.multitier.jcache.tier;

import static java.util.Objects.requireNonNull;

import io.multitier.jcache.copy.SerializationException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared tier's {@link EntryCodec} as the engine uses it: what goes out is refused over the
 * size limits ({@link EntryTooLargeException}, counted in {@code rejectedEntries}); what comes back
 * and cannot be decoded (corrupt, of another codec, or a class the allow-list refuses) is a miss,
 * counted and logged once per refused class or codec.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LimitedCodec<K, V> {

  // the engine logs under one name, the one docs/operations.md gives operators
  private static final Logger logger = LoggerFactory.getLogger(TieredStore.class);

  private final EntryCodec<K, V> codec;
  private final int maxKeyBytes;
  private final int maxValueBytes;
  private final TierStatistics statistics;
  private final String tierName;
  private final Set<String> refusedLogged = ConcurrentHashMap.newKeySet();

  /** Creates the codec of values read from and written to the tier named {@code tierName}. */
  LimitedCodec(EntryCodec<K, V> codec, int maxKeyBytes, int maxValueBytes, TierStatistics statistics, String tierName) {
    this.codec = requireNonNull(codec, "codec");
    this.maxKeyBytes = maxKeyBytes;
    this.maxValueBytes = maxValueBytes;
    this.statistics = requireNonNull(statistics, "statistics");
    this.tierName = requireNonNull(tierName, "tierName");
  }

  /** Encodes a key, refusing one over the size limit. */
  String encodeKey(K key) {
    String encoded = codec.encodeKey(key);
    int length = encoded.length();
    // UTF-8 takes at most three bytes per char: only a long key needs counting
    if ((long) length * 3 > maxKeyBytes) {
      long bytes = encoded.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxKeyBytes) {
        statistics.rejectedEntries.increment();
        throw new EntryTooLargeException("A key of " + bytes + " bytes (encoded) is over the limit of "
            + maxKeyBytes + " bytes (maxKeyBytes); nothing was written");
      }
    }
    return encoded;
  }

  /** Encodes a key without checking its size: for a lease's name, which stores no entry. */
  String encodeKeyUnlimited(K key) {
    return codec.encodeKey(key);
  }

  /** Encodes a value, refusing one over the size limit. */
  byte[] encodeValue(V value) {
    byte[] bytes = codec.encodeValue(value);
    if (bytes.length > maxValueBytes) {
      statistics.rejectedEntries.increment();
      throw new EntryTooLargeException("A value of " + bytes.length + " bytes (serialized) is over the limit of "
          + maxValueBytes + " bytes (maxValueBytes); nothing was written");
    }
    return bytes;
  }

  /** Encodes a value without checking its size: for comparing a held copy with what the tier holds. */
  byte[] encodeValueUnlimited(V value) {
    return codec.encodeValue(value);
  }

  /** Returns the key that the string stands for; throws if it is not one of this codec's keys. */
  K decodeKey(String encoded) {
    return codec.decodeKey(encoded);
  }

  /** Returns the value the bytes hold, or {@code null} (a miss) if they cannot be decoded. */
  @Nullable V decodeValue(byte[] bytes) {
    try {
      return codec.decodeValue(bytes);
    } catch (RuntimeException e) {
      statistics.corruptValues.increment();
      String refused = refusedClass(e);
      String foreign = (e instanceof SerializationException) ? ((SerializationException) e).foreignCodec() : null;
      if (foreign != null) {
        if (refusedLogged.add("codec " + foreign)) {
          logger.warn("Treating values of codec {} from {} as misses: {}", foreign, tierName, e.getMessage());
        } else {
          logger.debug("Refused a value of codec {} from {}", foreign, tierName);
        }
      } else if (refused == null) {
        logger.warn("Treating an undecodable value from {} as a miss: {}", tierName, e.toString());
      } else {
        statistics.refusedClasses.increment();
        if (refusedLogged.add(refused)) {
          logger.warn("Treating values of {} from {} as misses: {}", refused, tierName, e.getMessage());
        } else {
          logger.debug("Refused a value of {} from {}", refused, tierName);
        }
      }
      return null;
    }
  }

  /** Returns the class the allow-list refused somewhere in the failure's causes, or {@code null}. */
  private static @Nullable String refusedClass(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof SerializationException && ((SerializationException) cause).refusedClass() != null) {
        return ((SerializationException) cause).refusedClass();
      }
    }
    return null;
  }
}
