package io.multitier.jcache.backend.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Where one cache's entries live in Redis: keys {@code <prefix>{<cache>}:<key>}; its invalidations
 * go to the channel {@code <prefix>#invalidations}, which every cache under the prefix shares, so a
 * client holds one subscription per prefix however many caches it has.
 *
 * <p>The cache name is percent-encoded (UTF-8, everything but {@code A-Z a-z 0-9 . _ -}), so a name
 * with braces, colons, glob characters, spaces or any other character can neither break the
 * Cluster hash tag nor reach into another cache's keys. The empty name becomes {@code %}, which no
 * other name encodes to, so that no tag is ever empty. The whole tag hashes to one slot, which lets
 * multi-key scripts run in Cluster.
 */
final class KeyNamespace {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private final String encodedName;
  private final String tag;
  private final String keyPrefix;
  private final int keyPrefixBytes;
  private final String channel;
  private final String scanPattern;

  KeyNamespace(String prefix, String cacheName) {
    requireNonNull(prefix, "prefix");
    requireNonNull(cacheName, "cacheName");
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("the key prefix may not contain '{' or '}': " + prefix);
    }
    this.encodedName = encodeName(cacheName);
    this.tag = prefix + "{" + encodedName + "}";
    this.keyPrefix = tag + ":";
    this.keyPrefixBytes = keyPrefix.getBytes(UTF_8).length;
    this.channel = prefix + "#invalidations";
    this.scanPattern = escapeGlob(keyPrefix) + "*";
  }

  /** Returns the Redis key of an encoded cache key. */
  String key(String encodedKey) {
    return keyPrefix + requireNonNull(encodedKey, "key");
  }

  /** Returns the encoded cache key of a Redis key of this namespace. */
  String encodedKey(String redisKey) {
    if (!redisKey.startsWith(keyPrefix)) {
      throw new IllegalArgumentException("not a key of this cache: " + redisKey);
    }
    return redisKey.substring(keyPrefix.length());
  }

  /** Returns the length in UTF-8 bytes of what precedes the encoded key in a Redis key. */
  int keyPrefixBytes() {
    return keyPrefixBytes;
  }

  /** Returns the Redis key of the loading lease of an encoded cache key, in the cache's Cluster slot. */
  String leaseKey(String encodedKey) {
    return tag + "#lease:" + requireNonNull(encodedKey, "key");
  }

  /** Returns what every key of the cache starts with: {@code <prefix>{<cache>}}, its Cluster hash tag. */
  String tag() {
    return tag;
  }

  /** Returns the Redis key of the cache's change stream, in the cache's Cluster slot. */
  String eventsKey() {
    return tag + "#events";
  }

  /** Returns the Redis key of the number of the cache's last change, in the cache's Cluster slot. */
  String sequenceKey() {
    return tag + "#seq";
  }

  /**
   * Returns the Redis key of the cache's expiry mark, in the cache's Cluster slot: set by every
   * write that gives an entry a time to live, so its absence says that no entry expires.
   */
  String expiringKey() {
    return tag + "#expiring";
  }

  /**
   * Returns the Redis key of the cache's class dictionary, in the cache's Cluster slot: a hash
   * from the reference of each class its values refer to (eight hexadecimal digits) to the class's entry.
   */
  String classesKey() {
    return tag + "#classes";
  }

  /** Returns the Redis key of one of the cache's streams, in the cache's Cluster slot. */
  String streamKey(String streamName) {
    return tag + "#stream:" + encodeName(streamName);
  }

  /** Returns the cache's name as it appears in keys and invalidation messages. */
  String encodedName() {
    return encodedName;
  }

  /** Returns the pub/sub channel of the invalidations of every cache under this prefix. */
  String channel() {
    return channel;
  }

  /** Returns the SCAN MATCH pattern of every key of this cache and no other. */
  String scanPattern() {
    return scanPattern;
  }

  static String encodeName(String name) {
    if (name.isEmpty()) {
      return "%";
    }
    StringBuilder encoded = new StringBuilder(name.length());
    for (byte b : name.getBytes(UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-') {
        encoded.append(c);
      } else {
        encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    return encoded.toString();
  }

  static String escapeGlob(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
