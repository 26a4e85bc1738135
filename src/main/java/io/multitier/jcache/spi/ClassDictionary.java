package io.multitier.jcache.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/**
 * A shared tier's dictionary of the classes its values name: a value refers to a class by a
 * four-byte reference, a hash of the class's entry (its name and the fingerprint of its fields),
 * instead of spelling the entry out, and the tier keeps the entry of every reference its values
 * use. The reference depends on the entry alone, so every JVM gives a class the same one and a
 * lost dictionary is filled again by the next writes; a reader checks that the class it loads has
 * the reference it read, so a lost or tampered dictionary makes values misses, never another class.
 */
public interface ClassDictionary {

  /**
   * Returns the entry of the reference, asking the tier when this JVM has not met it yet (or
   * starting to, without waiting, where waiting is not allowed); {@code null} if it is unknown.
   * The entry comes from the tier: untrusted.
   */
  @Nullable String entry(int reference);

  /**
   * Returns whether a value about to be written may refer to the entry by its reference; if so,
   * the tier holds the entry before, or in the same step as, the value.
   */
  boolean refer(int reference, String entry);

  /**
   * Returns the reference of an entry: the first four bytes of the SHA-1 of its UTF-8 form (a hash
   * Redis's scripts can compute too: {@code redis.sha1hex}). Nothing relies on it being hard to
   * invert: what a value may hold is the allow-list's to say.
   */
  static int referenceOf(String entry) {
    requireNonNull(entry, "entry");
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-1").digest(entry.getBytes(UTF_8))).getInt();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JVM", e);
    }
  }

  /** Returns a reference as the dictionary in Redis names it: eight lowercase hexadecimal digits. */
  static String hex(int reference) {
    return String.format("%08x", reference);
  }
}
